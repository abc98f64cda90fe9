/**
 * Sync requests: what a trigger asks for, and how requests that arrive while a cycle runs
 * coalesce into one follow-up. Pure.
 */

/** `both` runs the mode's whole cycle; `push`/`pull` run only one half of it. */
export type Direction = "both" | "push" | "pull";

/** Who asked. Kept in the log so a person can tell a timer cycle from their own. */
export type TriggerSource = "cli" | "timer" | "hook" | "startup" | "retry";

export interface SyncRequest {
  direction: Direction;
  dryRun: boolean;
  /** Ids of every request served by this cycle, so a waiting caller knows when it is answered. */
  requestIds: string[];
  sources: TriggerSource[];
}

/** The request a `syncRequested` event carries. */
export interface SyncRequestInput {
  requestId?: string;
  direction?: Direction;
  dryRun?: boolean;
  source: TriggerSource;
}

export function toRequest(input: SyncRequestInput): SyncRequest {
  return {
    direction: input.direction ?? "both",
    dryRun: input.dryRun ?? false,
    requestIds: input.requestId === undefined ? [] : [input.requestId],
    sources: [input.source],
  };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Two requests folded into one cycle that satisfies both: a real run wins over a dry run
 * (a dry run never hides a real request), and different halves widen to the whole cycle.
 */
export function mergeRequests(a: SyncRequest | null, b: SyncRequest): SyncRequest {
  if (a === null) return b;
  return {
    direction: a.direction === b.direction ? a.direction : "both",
    dryRun: a.dryRun && b.dryRun,
    requestIds: unique([...a.requestIds, ...b.requestIds]),
    sources: unique([...a.sources, ...b.sources]),
  };
}

export function wantsPush(request: SyncRequest): boolean {
  return request.direction !== "pull";
}

export function wantsDrain(request: SyncRequest): boolean {
  return request.direction !== "push";
}
