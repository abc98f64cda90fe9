/** How the backup runs rclone: one config file, secrets redacted, metadata calls bounded by `timeout`. */
import type { Readable } from "node:stream";
import type { ExitCodesSource } from "../rclone/exit-codes.js";
import type { RcloneProgress } from "../rclone/progress.js";
import { type RcloneResult, runRclone } from "../rclone/run.js";
import { type RcloneStream, rcloneStdout } from "./rclone-stream.js";
import type { BackupRemote } from "./remote.js";

export interface BackupOps {
  remote: BackupRemote;
  /** A metadata call (list, stat, move, delete, small writes), bounded by the sync `timeout`. */
  run(args: string[], signal?: AbortSignal, stdin?: Readable): Promise<RcloneResult>;
  /**
   * A data transfer with no time bound (a backup may take hours on a slow link); with `onProgress`, rclone's
   * statistics about once a second.
   */
  transfer(
    args: string[],
    signal: AbortSignal,
    stdin: Readable,
    onProgress?: (progress: RcloneProgress) => void,
  ): Promise<RcloneResult>;
  /** `rclone <args>` with stdout streamed (cat). */
  stream(args: string[], signal?: AbortSignal): RcloneStream;
  /** `root/<name>`. */
  path(name: string): string;
}

export interface OpsContext {
  binary: string;
  remote: BackupRemote;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** What the installed rclone's exit codes mean, or a reader of it, for every run and stream. */
  exitCodes: ExitCodesSource;
}

export function backupOps({ binary, remote, env, timeoutMs, exitCodes }: OpsContext): BackupOps {
  const base = {
    binary,
    configPath: remote.configPath,
    env,
    redact: remote.redact,
    endpointKey: remote.endpointKey,
    exitCodes,
  };
  return {
    remote,
    run: (args, signal, stdin) =>
      runRclone({
        ...base,
        args,
        timeoutMs,
        stdout: "text",
        ...(signal ? { signal } : {}),
        ...(stdin ? { stdin } : {}),
      }),
    transfer: (args, signal, stdin, onProgress) =>
      runRclone({
        ...base,
        args,
        timeoutMs: Number.POSITIVE_INFINITY,
        stdout: "ignore",
        signal,
        stdin,
        ...(onProgress ? { onProgress } : {}),
      }),
    stream: (args, signal) => rcloneStdout(args, { ...base, ...(signal ? { signal } : {}) }),
    path: (name) => `${remote.root}/${name}`,
  };
}
