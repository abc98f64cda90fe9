/**
 * One workspace's way of running rclone: the binary found once, the project's own config file,
 * the `timeout` bound, redaction of secrets, and every child recorded in the cycle lock.
 */
import { emptyStats } from "../../machines/outcomes.js";
import type { ExitCodeScheme } from "../rclone/capabilities.js";
import type { RcloneProgress } from "../rclone/progress.js";
import type { RcloneResult, RcloneRunOptions } from "../rclone/run.js";
import { runRclone } from "../rclone/run.js";
import type { Redact } from "../util/errors.js";
import type { CycleLock } from "./cycle-lock.js";

export interface RcloneSettings {
  binary: string;
  configPath: string;
  timeoutMs: number;
  redact: Redact;
  env: NodeJS.ProcessEnv;
  /** The config key that says where the remote lives, named when it cannot be reached. */
  endpointKey?: string | undefined;
  /** What the installed rclone's exit codes mean (from its version). */
  exitCodes?: ExitCodeScheme | undefined;
  /** Flags every run of this workspace gets. */
  globalArgs?: readonly string[];
  /**
   * Flags decided per run from its arguments (`copySymlinks`: follow links on runs over the synced folder), or
   * a refusal: the run then fails as `fatal` with that message, and rclone is not started.
   */
  runArgs?: (
    args: readonly string[],
  ) => Promise<{ args: readonly string[]; refusal: { message: string; hint: string } | null }>;
  /** Asked at each run: who wants its live progress now (undefined: nobody, no stats flags). */
  progress?: () => ((progress: RcloneProgress) => void) | undefined;
}

export type RcloneRun = (
  args: string[],
  signal: AbortSignal,
  options?: Pick<RcloneRunOptions, "stdout" | "onLine" | "onProgress">,
) => Promise<RcloneResult>;

export function rcloneRunner(context: RcloneSettings, lock?: CycleLock): RcloneRun {
  return async (args, signal, options = {}) => {
    const spawned: number[] = [];
    const onProgress = context.progress?.();
    const perRun = await context.runArgs?.(args);
    if (perRun?.refusal) {
      return {
        ok: false,
        exitCode: null,
        failure: { kind: "fatal", ...perRun.refusal },
        command: `rclone ${args[0] ?? ""}`,
        stats: emptyStats,
        changes: [],
        stdout: "",
        durationMs: 0,
      };
    }
    const extra = [...(context.globalArgs ?? []), ...(perRun?.args ?? [])];
    const result = await runRclone({
      binary: context.binary,
      args: extra.length > 0 ? [...args, ...extra] : args,
      configPath: context.configPath,
      env: context.env,
      timeoutMs: context.timeoutMs,
      signal,
      redact: context.redact,
      endpointKey: context.endpointKey,
      exitCodes: context.exitCodes,
      onSpawn: (pid) => {
        spawned.push(pid);
        void lock?.recordChild(pid).catch(() => undefined);
      },
      ...(onProgress === undefined ? {} : { onProgress }),
      ...options,
    });
    // Off the critical path: the lock orders its own writes, and a release waits for them.
    for (const pid of spawned) void lock?.forgetChild(pid).catch(() => undefined);
    return result;
  };
}
