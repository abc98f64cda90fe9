import { Readable } from "node:stream";
import { execa } from "execa";
import { emptyStats, type FailureReason, type TransferStats } from "../../machines/outcomes.js";
import { classifyFailure, oneLine } from "./classify.js";
import { cleanEnv } from "./env.js";
import { type ExitCodesSource, exitCodesFor } from "./exit-codes.js";
import {
  createRcloneLogParser,
  type RcloneFileChange,
  type RcloneLogLine,
  toTransferStats,
} from "./json-log.js";
import { progressFlags, type RcloneProgress, toProgress } from "./progress.js";
import { redactSecrets, shellQuote } from "./remote.js";
import { type StallWatch, watchStall } from "./stall.js";

export interface RcloneRunOptions {
  binary: string;
  args: string[];
  /** Passed as `--config`. */
  configPath: string;
  /** Parent environment to clean (default `process.env`); see `cleanEnv`. */
  env?: NodeJS.ProcessEnv;
  /** Added to the cleaned environment. */
  extraEnv?: Record<string, string>;
  /** Stop rclone after this long (`Infinity`: never). */
  timeoutMs: number;
  /** Aborting stops rclone (host stopping): the result is a `retryable` failure. */
  signal?: AbortSignal;
  cwd?: string;
  /** Applied to every string in the result (command, messages, change paths, stdout). */
  redact?: (text: string) => string;
  /** Called with the child's PID (it leads its own process group), so a lock can record it. */
  onSpawn?: (pid: number) => void;
  /** Every parsed JSON log line, as it arrives. Errors thrown here are ignored. */
  onLine?: (line: RcloneLogLine) => void;
  /** Live progress, about once a second (asks rclone for `--stats 1s`). Errors thrown here are ignored. */
  onProgress?: (progress: RcloneProgress) => void;
  /** Default "ignore". */
  stdin?: NodeJS.ReadableStream | "ignore";
  /** Capture stdout as text (lsjson, lsf, version) or not. Default "text". */
  stdout?: "text" | "ignore";
  /** Time between SIGTERM and SIGKILL to the process group on timeout or abort. Default 5000. */
  killGraceMs?: number;
  /**
   * Stop rclone when it shows no sign of life (no progress, no I/O) for this long; the failure is
   * `retryable` with cause `stalled`. Default {@link defaultStallMs}; `Infinity` for a run that waits on a
   * person (`authorize`).
   */
  stallMs?: number;
  /** The config key that says where the remote is (`s3.endpoint`), named when it cannot be reached. */
  endpointKey?: string | undefined;
  /**
   * What this rclone's exit codes mean (`RcloneCapabilities.exitCodes`), or a reader asked only when the
   * run fails with exit 1 or 2 (`exitCodesOnDemand`); default: 1.60's.
   */
  exitCodes?: ExitCodesSource | undefined;
}

/**
 * What every run gets unless its arguments say otherwise: connecting gives up after 10 s, a connection
 * idle for 60 s is dropped, and a failed request is tried 3 times in all (rclone's defaults, 1 min, 5 min
 * and 10, made an unreachable S3 endpoint cost about 3 minutes a call).
 */
export const networkFlags = ["--contimeout", "10s", "--timeout", "60s", "--low-level-retries", "3"] as const;

/** No progress and no I/O for this long stops a run (see `stall.ts`). */
export const defaultStallMs = 30_000;

interface RcloneResultBase {
  command: string;
  stats: TransferStats;
  changes: RcloneFileChange[];
  stdout: string;
  durationMs: number;
}

export type RcloneResult =
  | (RcloneResultBase & { ok: true; exitCode: 0 })
  | (RcloneResultBase & { ok: false; exitCode: number | null; failure: FailureReason });

const maxTimerMs = 2_147_483_647;
const verbosityFlag = /^(?:-v+|--verbose(?:=.*)?|-q|--quiet|--log-level(?:=.*)?)$/;

/**
 * `args` plus the flags every run needs: `--config`, `--use-json-log`, `-v`, `--retries 1`, the
 * {@link networkFlags} it does not set itself; and, for a run that reports progress, the stats flags.
 */
export function rcloneArgs(
  args: readonly string[],
  configPath: string,
  options: { progress?: boolean } = {},
): string[] {
  const extra = ["--config", configPath, "--use-json-log"];
  if (options.progress === true && !args.some((arg) => arg === "--stats" || arg.startsWith("--stats=")))
    extra.push(...progressFlags);
  if (!args.some((arg) => verbosityFlag.test(arg))) extra.push("-v");
  if (!args.some((arg) => arg === "--retries" || arg.startsWith("--retries="))) extra.push("--retries", "1");
  for (let i = 0; i < networkFlags.length; i += 2) {
    const flag = networkFlags[i] ?? "";
    if (!args.some((arg) => arg === flag || arg.startsWith(`${flag}=`)))
      extra.push(flag, networkFlags[i + 1] ?? "");
  }
  const end = args.indexOf("--");
  return end === -1 ? [...args, ...extra] : [...args.slice(0, end), ...extra, ...args.slice(end)];
}

/** Sends `signal` to the whole process group led by `pid`. False when no such group (or not allowed). */
export function killProcessGroup(pid: number, signal: NodeJS.Signals | number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function toReadable(stream: NodeJS.ReadableStream): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false });
}

/** Runs rclone once. Never rejects for rclone failures, spawn errors, timeouts or aborts. */
export async function runRclone(opts: RcloneRunOptions): Promise<RcloneResult> {
  const started = performance.now();
  const userRedact = opts.redact ?? ((text: string) => text);
  const redactMessage = (text: string): string => userRedact(redactSecrets(text));
  const args = rcloneArgs(opts.args, opts.configPath, { progress: opts.onProgress !== undefined });
  const command = redactMessage(`rclone ${shellQuote(args)}`);
  let watch: StallWatch | undefined;
  const parser = createRcloneLogParser({
    onLine: (line) => {
      if (line.stats !== undefined) watch?.stats(toTransferStats(line.stats));
      try {
        opts.onLine?.(line);
      } catch {
        // A listener's bug must not break the run.
      }
      if (line.stats === undefined || opts.onProgress === undefined) return;
      try {
        const progress = toProgress(line.stats);
        progress.transferring = progress.transferring.map((f) => ({ ...f, name: userRedact(f.name) }));
        opts.onProgress(progress);
      } catch {
        // Nor a progress display's.
      }
    },
  });
  const finish = (
    exitCode: number | null,
    failure?: Omit<FailureReason, "command">,
    stdout = "",
  ): RcloneResult => {
    const summary = parser.end();
    const base: RcloneResultBase = {
      command,
      stats: summary.stats ?? { ...emptyStats },
      changes: summary.changes.map((change) => redactChange(change, userRedact)),
      stdout: userRedact(stdout),
      durationMs: Math.round(performance.now() - started),
    };
    if (failure === undefined) return { ok: true, exitCode: 0, ...base };
    const reason: FailureReason = { ...failure, message: redactMessage(failure.message), command };
    if (failure.endpoint !== undefined) reason.endpoint = redactMessage(failure.endpoint);
    if (failure.hint !== undefined) reason.hint = redactMessage(failure.hint);
    if (exitCode !== null) reason.exitCode = exitCode;
    return { ok: false, exitCode, failure: reason, ...base };
  };
  if (opts.signal?.aborted === true) {
    return finish(
      null,
      classifyFailure({ exitCode: null, errorMessages: [], stderrText: "", aborted: true }),
    );
  }

  let subprocess: ReturnType<typeof spawn>;
  try {
    subprocess = spawn(opts, args);
  } catch (error) {
    const spawnError = error instanceof Error ? error : String(error);
    return finish(null, classifyFailure({ exitCode: null, errorMessages: [], stderrText: "", spawnError }));
  }
  const pid = subprocess.pid;
  let stalled = false;
  const stallMs = opts.stallMs ?? defaultStallMs;
  watch =
    pid === undefined || !Number.isFinite(stallMs)
      ? undefined
      : watchStall({
          pid,
          limitMs: stallMs,
          onStall: () => {
            stalled = true;
            terminate();
          },
        });
  subprocess.stderr?.on("data", (chunk: Buffer | string) => {
    watch?.output(chunk.length);
    parser.push(chunk);
  });
  subprocess.stdout?.on("data", (chunk: Buffer | string) => watch?.output(chunk.length));

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = (): void => {
    if (pid === undefined || killTimer !== undefined) return;
    killProcessGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => killProcessGroup(pid, "SIGKILL"), opts.killGraceMs ?? 5_000);
  };
  // setTimeout fires at once past 2^31-1 ms; an infinite timeout means none.
  const timer = Number.isFinite(opts.timeoutMs)
    ? setTimeout(
        () => {
          timedOut = true;
          terminate();
        },
        Math.min(Math.max(opts.timeoutMs, 0), maxTimerMs),
      )
    : undefined;
  const onAbort = (): void => {
    aborted = true;
    terminate();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (pid !== undefined) {
    try {
      opts.onSpawn?.(pid);
    } catch {
      // The run goes on; the caller's lock bookkeeping is its own concern.
    }
  }

  const result = await subprocess;
  watch?.stop();
  clearTimeout(timer);
  opts.signal?.removeEventListener("abort", onAbort);
  if (killTimer !== undefined && pid !== undefined) {
    clearTimeout(killTimer);
    // The leader is gone; anything left in its group goes too.
    if (killProcessGroup(pid, 0)) killProcessGroup(pid, "SIGKILL");
  }

  const stdout = typeof result.stdout === "string" ? result.stdout : "";
  const exitCode = typeof result.exitCode === "number" ? result.exitCode : null;
  if (exitCode === 0 && !result.failed && !timedOut && !aborted && !stalled)
    return finish(0, undefined, stdout);
  const spawnFailed = exitCode === null && result.signal === undefined && killTimer === undefined;
  const summary = parser.end();
  const cause = result.cause instanceof Error ? result.cause : undefined;
  // A run this side stopped is classified by why it was stopped, never by its exit code.
  const exitCodes = timedOut || aborted || stalled ? undefined : await exitCodesFor(opts.exitCodes, exitCode);
  const classification = result.isMaxBuffer
    ? { kind: "fatal" as const, message: "rclone printed more on stdout than the buffer holds" }
    : exitCode === 0 && !timedOut && !aborted && !stalled
      ? {
          kind: "retryable" as const,
          message: `rclone's input failed (${oneLine(cause?.message ?? result.shortMessage ?? "unknown error")}); what it wrote may be truncated`,
          hint: "Upload to a temporary name and publish it only after every stage succeeded.",
        }
      : classifyFailure({
          exitCode,
          errorMessages: summary.errorMessages,
          stderrText: summary.textLines,
          lastError: summary.lastError,
          timedOut,
          timeoutMs: opts.timeoutMs,
          aborted,
          stalledSeconds: stalled ? Math.round(stallMs / 1000) : undefined,
          endpointKey: opts.endpointKey,
          exitCodes,
          spawnError: spawnFailed ? (cause ?? result.shortMessage ?? "spawn failed") : undefined,
          signal: result.signal,
        });
  return finish(exitCode, classification, stdout);
}

function redactChange(change: RcloneFileChange, redact: (text: string) => string): RcloneFileChange {
  const out: RcloneFileChange = { ...change, path: redact(change.path) };
  if (change.from !== undefined) out.from = redact(change.from);
  return out;
}

function spawn(opts: RcloneRunOptions, args: string[]) {
  const stdin =
    opts.stdin === undefined || opts.stdin === "ignore"
      ? "ignore"
      : (["pipe", toReadable(opts.stdin)] as const);
  return execa(opts.binary, args, {
    reject: false,
    extendEnv: false,
    env: cleanEnv(opts.env ?? process.env, opts.extraEnv ?? {}),
    detached: true,
    cleanup: true,
    stdin,
    stdout: opts.stdout === "ignore" ? "ignore" : "pipe",
    stderr: "pipe",
    buffer: { stdout: true, stderr: false },
    stripFinalNewline: false,
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  });
}
