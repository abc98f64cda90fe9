/**
 * Sync requests: what a trigger asks for, and how requests that arrive while a cycle runs
 * coalesce into one follow-up. Pure.
 */

/** `both` runs the mode's whole cycle; `push`/`pull` run only one half of it. */
export type Direction = "both" | "push" | "pull";

/** Who asked. Kept in the log so a person can tell a timer cycle from their own. */
/** `rerun`: bisync runs a cycle again because files changed during the one before. */
export type TriggerSource =
  | "cli"
  | "timer"
  | "hook"
  | "startup"
  | "retry"
  | "tool"
  | "watch"
  | "poll"
  | "rerun";

/**
 * The most changed paths one incremental cycle carries: past it, the cycle is a full one (listing both sides
 * costs less than a filter of that many rules).
 */
export const maxChangedPaths = 5000;

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
  /**
   * A person asked for a one-way sync in `direction` for this run, whatever the mode (`sync --direction`).
   * Only the mailbox reads it: there a `pull` without it is the drain alone (the outbox poll, the agent's
   * tool), and with it a one-way sync remote → local. Absent means false.
   */
  oneWay?: boolean;
  /**
   * Only these workspace-relative paths changed (the watcher saw them): the push may look at just them.
   * Absent means a full cycle. Only a push reads it; a pull-only request has none.
   */
  paths?: string[];
}

/**
 * What the host's watcher saw: changed paths (relative to the synced folder), or `all` when it lost track
 * (an error or an overflow), with why.
 */
export interface ChangesSeenInput {
  paths: string[];
  all?: boolean;
  why?: string;
}

/** The request a `changesSeen` event makes: `pushOnly` modes (mailbox) push just those paths. */
export function changesRequest(input: ChangesSeenInput, pushOnly: boolean): SyncRequest {
  const full = input.all === true || input.paths.length > maxChangedPaths;
  if (!pushOnly || full) return { direction: "both", dryRun: false, requestIds: [], sources: ["watch"] };
  return { direction: "push", dryRun: false, requestIds: [], sources: ["watch"], paths: unique(input.paths) };
}

/** Whether a request's push is incremental (a list of changed paths) rather than the whole tree. */
export function isIncremental(request: SyncRequest): boolean {
  return request.paths !== undefined;
}

/** The request a `syncRequested` event carries. */
export interface SyncRequestInput {
  requestId?: string;
  direction?: Direction;
  dryRun?: boolean;
  force?: boolean;
  resync?: boolean;
  /** See `SyncRequest.oneWay`. */
  oneWay?: boolean;
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
    ...(input.oneWay === true && (input.direction ?? "both") !== "both" ? { oneWay: true } : {}),
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
  const paths = mergePaths(a, b);
  return {
    direction: a.direction === b.direction ? a.direction : "both",
    dryRun: a.dryRun && b.dryRun,
    requestIds: unique([...a.requestIds, ...b.requestIds]),
    sources: unique([...a.sources, ...b.sources]),
    // A person's permission (`--force`, `--resync`) covers the one cycle that serves their request.
    ...(a.force === true || b.force === true ? { force: true } : {}),
    ...(a.resync === true || b.resync === true ? { resync: true } : {}),
    // A person's one-way sync stays one when the other request goes the same way (the poll's drain waits
    // for the next poll); different directions widen to the whole cycle, which is no one-way sync.
    ...(a.direction === b.direction && (a.oneWay === true || b.oneWay === true) ? { oneWay: true } : {}),
    ...(paths === undefined ? {} : { paths }),
  };
}

/**
 * The push scope of two merged requests: a full push in either makes it full; a pull-only request adds
 * nothing to push; two path lists join (up to `maxChangedPaths`, past which the push is full).
 */
function mergePaths(a: SyncRequest, b: SyncRequest): string[] | undefined {
  const scope = (r: SyncRequest) => (r.direction === "pull" ? [] : r.paths);
  const [pa, pb] = [scope(a), scope(b)];
  if (pa === undefined || pb === undefined) return undefined;
  if (a.direction === "pull" && b.direction === "pull") return undefined;
  const joined = unique([...pa, ...pb]);
  return joined.length > maxChangedPaths ? undefined : joined;
}

export function wantsPush(request: SyncRequest): boolean {
  return request.direction !== "pull";
}

export function wantsDrain(request: SyncRequest): boolean {
  return request.direction !== "push" && !isOneWayPull(request);
}

/** A person's one-way sync remote → local (`sync --direction pull`): in mailbox mode, instead of the drain. */
export function isOneWayPull(request: SyncRequest): boolean {
  return request.direction === "pull" && request.oneWay === true;
}

/** `push` or `pull` in mirror and bisync: a one-shot one-way sync instead of the mode's cycle. */
export function isOneWay(request: SyncRequest): boolean {
  return request.direction !== "both";
}
