/**
 * rclone with a streamed stdout (`rclone cat` of a snapshot), which `runRclone` does not offer: the same
 * flags, clean environment, own process group and failure classification, with the exit status as a
 * promise beside the stream.
 */
import type { Readable } from "node:stream";
import { execa } from "execa";
import type { FailureReason } from "../../machines/outcomes.js";
import { classifyFailure } from "../rclone/classify.js";
import { cleanEnv } from "../rclone/env.js";
import { type ExitCodesSource, exitCodesFor } from "../rclone/exit-codes.js";
import { createRcloneLogParser } from "../rclone/json-log.js";
import { redactSecrets, shellQuote } from "../rclone/remote.js";
import { killProcessGroup, rcloneArgs } from "../rclone/run.js";
import type { Redact } from "../util/errors.js";

export interface RcloneStreamOptions {
  binary: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  redact: Redact;
  signal?: AbortSignal;
  /** The config key that says where the remote lives, named when it cannot be reached. */
  endpointKey?: string | undefined;
  /** What this rclone's exit codes mean, or a reader of it (see `RcloneRunOptions.exitCodes`). */
  exitCodes?: ExitCodesSource | undefined;
}

export interface RcloneStream {
  stdout: Readable;
  /** Resolves when rclone ended: null when it succeeded, else why it failed. */
  exit: Promise<FailureReason | null>;
  /** Stop rclone (its whole process group). */
  kill(): void;
  /** True once `kill` (or the abort signal) stopped it: its failure is ours, not the remote's. */
  killed(): boolean;
}

export function rcloneStdout(args: readonly string[], options: RcloneStreamOptions): RcloneStream {
  const full = rcloneArgs(args, options.configPath);
  const command = options.redact(redactSecrets(`rclone ${shellQuote(full)}`));
  const parser = createRcloneLogParser();
  const child = execa(options.binary, full, {
    reject: false,
    extendEnv: false,
    env: cleanEnv(options.env),
    detached: true,
    cleanup: true,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
  });
  child.stderr?.on("data", (chunk: Buffer) => parser.push(chunk));
  let killed = false;
  const kill = () => {
    if (killed || child.pid === undefined) return;
    killed = true;
    killProcessGroup(child.pid, "SIGTERM");
  };
  options.signal?.addEventListener("abort", kill, { once: true });
  const exit = child.then(async (result) => {
    options.signal?.removeEventListener("abort", kill);
    const exitCode = typeof result.exitCode === "number" ? result.exitCode : null;
    if (exitCode === 0 && !killed) return null;
    const summary = parser.end();
    const classified = classifyFailure({
      exitCode,
      errorMessages: summary.errorMessages,
      stderrText: summary.textLines,
      lastError: summary.lastError,
      aborted: killed,
      signal: result.signal,
      endpointKey: options.endpointKey,
      exitCodes: killed ? undefined : await exitCodesFor(options.exitCodes, exitCode),
    });
    const failure: FailureReason = {
      ...classified,
      message: options.redact(redactSecrets(classified.message)),
      command,
    };
    if (exitCode !== null) failure.exitCode = exitCode;
    return failure;
  });
  const stdout = child.stdout;
  if (!stdout) throw new Error("rclone: no stdout pipe");
  return { stdout, exit, kill, killed: () => killed };
}
