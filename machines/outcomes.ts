/**
 * Typed outcomes shared by every statechart. Pure data and pure functions only:
 * nothing here may touch the clock, the file system or a process.
 */

/** Why an effect failed, in a small set a person (and the retry policy) can act on. */
export type ErrorKind =
  /** Worth trying again later: network trouble, rclone exit 5, an uncategorised exit 2. */
  | "retryable"
  /** The operation ran past its `timeout`; its process tree was killed. */
  | "timeout"
  /** Someone else holds the lock (another host, or a live rclone). */
  | "lock-held"
  /** bisync lost or broke its listings: only a person's `sync --resync` helps. */
  | "needs-resync"
  /** A folder or file the operation needs is missing (rclone exit 3 or 4). */
  | "not-found"
  /** The remote refused the credentials. */
  | "auth"
  /** Anything a retry will not fix: bad flags, rclone missing, a refused path. */
  | "fatal";

export const errorKinds: readonly ErrorKind[] = [
  "retryable",
  "timeout",
  "lock-held",
  "needs-resync",
  "not-found",
  "auth",
  "fatal",
];

/** Kinds that a retry with backoff may fix. The others go straight to `failed`. */
export const retryableKinds: readonly ErrorKind[] = ["retryable", "timeout", "lock-held", "not-found"];

/**
 * What went wrong underneath, when rclone's output says it plainly: the remote could not be reached
 * (refused, a name that does not resolve, a failed TLS handshake, no answer), or a transfer stopped
 * moving (`stalled`: no progress for the stall limit, so rclone was stopped).
 */
export type FailureCause = "connection-refused" | "dns" | "tls" | "unreachable" | "stalled";

export const failureCauses: readonly FailureCause[] = [
  "connection-refused",
  "dns",
  "tls",
  "unreachable",
  "stalled",
];

export interface FailureReason {
  kind: ErrorKind;
  /** Set when the failure has a cause a person fixes outside the tool (the address, the network). */
  cause?: FailureCause;
  /** Where the remote was being reached (`127.0.0.1:9`, `s3.example.com`), with `cause`. */
  endpoint?: string;
  /** One line a person can act on. Never holds a secret. */
  message: string;
  /** The command that failed, secrets removed (for example `rclone sync ... cloud:openclaw-share`). */
  command?: string;
  exitCode?: number;
  /** What to do about it, when we know. */
  hint?: string;
}

/** rclone's final `stats` line, reduced to what people read. */
export interface TransferStats {
  bytes: number;
  transfers: number;
  deletes: number;
  checks: number;
  renames: number;
  errors: number;
  elapsedSeconds: number;
}

export const emptyStats: TransferStats = {
  bytes: 0,
  transfers: 0,
  deletes: 0,
  checks: 0,
  renames: 0,
  errors: 0,
  elapsedSeconds: 0,
};

/** What a single file did during an operation, from rclone's JSON log. */
export interface FileChange {
  path: string;
  action: "copied" | "updated" | "deleted" | "moved" | "renamed";
}

export interface RetryPolicy {
  /** Attempts in one cycle before `failed` (the first try counts). */
  attempts: number;
  /** Delay before the first retry, in milliseconds; doubles on each retry. */
  baseDelayMs: number;
  /** Upper bound of one delay, in milliseconds. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 300_000 };

/** Delay before retry number `retry` (1 = first retry): exponential, capped. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const exponent = Math.max(0, retry - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** Why a cycle stopped before deleting anything: a deletion guard (or bisync's own safety check) held. */
export type HaltReason =
  /** A one-way sync's source root is missing or empty while its destination holds files. */
  | "emptySource"
  /** The cycle would delete more than `maxDelete` percent of the destination's files. */
  | "bulkDelete"
  /** bisync found every file changed on one side (its own safety abort). */
  | "allChanged";

export const haltReasons: readonly HaltReason[] = ["emptySource", "bulkDelete", "allChanged"];

export interface Halt {
  reason: HaltReason;
  /** One line a person can act on, with the numbers that tripped the guard. */
  message: string;
  /** What to do: check the tree, then `sync --force` if the deletion is intended. */
  hint: string;
  /** Which sync halted, as `<source> -> <destination>` (or `bisync`). */
  operation: string;
  /** Files in the source and destination (after filters), and how many would be deleted, when counted. */
  sourceFiles?: number;
  destinationFiles?: number;
  deletes?: number;
}

/** A bisync conflict, resolved: the winner keeps the name, the loser is kept beside it on both sides. */
export interface Conflict {
  /** The file's path (relative to the synced folder), now holding the winner. */
  path: string;
  /** Where the losing version is kept, on both sides (`<path>.conflict1`). */
  loser: string;
  /** Which side's version kept the name, when known (rclone >= 1.66 resolves it itself and does not say). */
  winner?: "local" | "remote";
  policy: "newer" | "local" | "remote";
}

/** One transfer step's outcome (a one-way sync, an ingest copy). */
export interface TransferOutcome {
  stats: TransferStats;
  /** The first changes (all of them in a dry run, up to the preview limit). */
  changes: FileChange[];
  changeCount: number;
  /** A line a person should read about the step (its source does not exist yet: nothing to pull). */
  note?: string;
}

/** The failure an outcome event reports; an event that carries none is an unexpected, fatal one. */
export function failureOf(event: { type: string; error?: FailureReason }): FailureReason {
  return event.error ?? { kind: "fatal", message: `unexpected event ${event.type}` };
}
