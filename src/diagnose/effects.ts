/** The real effects behind {@link diagnose}: the binary on PATH, the config file, the project's rclone.conf. */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { type LoadedConfig, loadConfigFile } from "../config/load.js";
import { prepareRemote } from "../effects/remote.js";
import { findRclone, readRcloneVersion } from "../rclone/binary.js";
import { runRclone } from "../rclone/run.js";
import type { DiagnoseEffects, PlannedRemote } from "./chain.js";
import { rcloneInstallCommand } from "./features.js";

/** True when `command` is an executable on PATH. */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function installHint(env: NodeJS.ProcessEnv = process.env): string {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  return `install it: ${rcloneInstallCommand(process.platform, (c) => onPath(c, env), root)}`;
}

export function diagnoseEffects(input: {
  configFile: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  /** Longest wait for one probe (ms). */
  probeTimeoutMs?: number;
}): DiagnoseEffects {
  const { env } = input;
  return {
    findRclone: () => findRclone({ env }),
    readVersion: (binary) => readRcloneVersion(binary, { env }),
    installHint: () => installHint(env),
    loadConfig: () => loadConfigFile(input.configFile, env),
    prepareRemote: async (loaded: LoadedConfig): Promise<PlannedRemote> => {
      const rcloneBinary = await findRclone({ env }).catch(() => undefined);
      const prepared = await prepareRemote(loaded.sync, input.stateDir, {
        rcloneBinary,
        env,
        keyPrefix: loaded.syncPrefix,
      });
      return {
        describe: prepared.describe,
        remoteName: loaded.sync.remoteName,
        configPath: prepared.configPath,
        remoteBase: prepared.remoteBase,
        remoteRoot: prepared.remoteRoot,
        redact: prepared.redact,
        endpointKey: prepared.endpointKey,
        imported: prepared.imported,
      };
    },
    rclone: (binary, args, remote, exitCodes) =>
      runRclone({
        binary,
        // One try each: a diagnosis wants the first answer, not rclone's patience.
        args: [...args, "--low-level-retries", "1"],
        configPath: remote.configPath,
        env,
        timeoutMs: input.probeTimeoutMs ?? 60_000,
        redact: remote.redact,
        endpointKey: remote.endpointKey,
        exitCodes,
        stdout: "text",
      }),
  };
}
