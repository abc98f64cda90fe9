/**
 * Sync requests: what a trigger asks for, and how requests that arrive while a cycle runs
 * coalesce into one follow-up. Pure.
 */

/** `both` runs the mode's whole cycle; `push`/`pull` run only one half of it. */
export type Direction = "both" | "push" | "pull";

/** Who asked. Kept in the log so a person can tell a timer cycle from their own. */
export type TriggerSource = "cli" | "timer" | "hook" | "startup" | "retry" | "tool";

export interface SyncRequest {
  direction: Direction;
  dryRun: boolean;
  /** Ids of every request served by this cycle, so a waiting caller knows when it is answered. */
  requestIds: string[];
  sources: TriggerSource[];
  /** A person allowed this cycle past the deletion guards (`sync --force`). Absent means false. */
  force?: boolean;
  /** A person asked bisync to rebuild its listings (`sync --resync`). Absent means false. */
  resync?: boolean;
}

/** The request a `syncRequested` event carries. */
export interface SyncRequestInput {
  requestId?: string;
  direction?: Direction;
  dryRun?: boolean;
  force?: boolean;
  resync?: boolean;
  source: TriggerSource;
}

/** The request a `backupRequested` event carries. */
export interface BackupRequestInput {
  requestId?: string;
  source: TriggerSource;
}

/**
 * What a door asks of a unit: the one request type of every door (the CLI, the socket, a session hook,
 * the interval timer). The unit adds `at` and its own `requestId`, and the event it sends is this.
 */
export type UnitRequest =
  | ({ type: "syncRequested" } & SyncRequestInput)
  | ({ type: "backupRequested" } & BackupRequestInput);

export function toRequest(input: SyncRequestInput): SyncRequest {
  return {
    direction: input.direction ?? "both",
    dryRun: input.dryRun ?? false,
    requestIds: input.requestId === undefined ? [] : [input.requestId],
    sources: [input.source],
    ...(input.force === true ? { force: true } : {}),
    ...(input.resync === true ? { resync: true } : {}),
  };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Two requests folded into one cycle that satisfies both: a real run wins over a dry run
 * (a dry run never hides a real request), different halves widen to the whole cycle, and
 * `force`/`resync` carry over from either.
 */
export function mergeRequests(a: SyncRequest | null, b: SyncRequest): SyncRequest {
  if (a === null) return b;
  return {
    direction: a.direction === b.direction ? a.direction : "both",
    dryRun: a.dryRun && b.dryRun,
    requestIds: unique([...a.requestIds, ...b.requestIds]),
    sources: unique([...a.sources, ...b.sources]),
    // A person's permission (`--force`, `--resync`) covers the one cycle that serves their request.
    ...(a.force === true || b.force === true ? { force: true } : {}),
    ...(a.resync === true || b.resync === true ? { resync: true } : {}),
  };
}

export function wantsPush(request: SyncRequest): boolean {
  return request.direction !== "pull";
}

export function wantsDrain(request: SyncRequest): boolean {
  return request.direction !== "push";
}

/** `push` or `pull` in mirror and bisync: a one-shot one-way sync instead of the mode's cycle. */
export function isOneWay(request: SyncRequest): boolean {
  return request.direction !== "both";
}
