/**
 * What every sync statechart shares: the request being served, the follow-up that coalesces
 * while it runs, attempts and the retry deadline, the last failure and the last cycle.
 * Pure reducers over that context; each machine wires them into its own `setup()`.
 */
import {
  backoffDelay,
  defaultRetryPolicy,
  type FailureReason,
  type Halt,
  type RetryPolicy,
  retryableKinds,
} from "./outcomes.js";
import { mergeRequests, type SyncRequest } from "./requests.js";

export interface CycleState {
  retry: RetryPolicy;
  /** The request the running (or retrying, or failed) cycle serves. */
  current: SyncRequest | null;
  /** Requests that arrived while a cycle ran: they run once, together, after it. */
  pending: SyncRequest | null;
  /** Tries of the current cycle so far (1 = the first). */
  attempt: number;
  /** When `recovering` tries again (epoch ms), from the time of the failure event. */
  retryAt: number | null;
  lastError: FailureReason | null;
  /** When the cycle in progress started (epoch ms). */
  startedAt: number | null;
  totals: { cycles: number; failures: number };
  /**
   * The deletion guard that stopped the last real sync, until a real sync succeeds (forced, or because
   * the workspace changed). Absent in logs written before guards existed.
   */
  halt?: Halt | null;
  /**
   * The failed attempts since the last real cycle went through, and when the last of them failed (epoch
   * ms); null once one goes through. Replaying the log rebuilds it like the rest, so "failing N times in
   * a row" survives a restart. Absent in logs written before it existed.
   */
  failedInARow?: FailedInARow | null;
}

export interface FailedInARow {
  count: number;
  lastAt: number;
}

export const initialCycleState: CycleState = {
  retry: defaultRetryPolicy,
  current: null,
  pending: null,
  attempt: 0,
  retryAt: null,
  lastError: null,
  startedAt: null,
  totals: { cycles: 0, failures: 0 },
  halt: null,
  failedInARow: null,
};

/** A cycle starts for `request` (from idle or failed): a fresh first attempt. */
export function beginCycle(_state: CycleState, request: SyncRequest, at: number): Partial<CycleState> {
  return { current: request, pending: null, attempt: 1, retryAt: null, startedAt: at };
}

/**
 * A cycle starts from `failed` for `request`, and the failed cycle's push never went through: what it was to
 * push is pushed too, so a change the watcher reported is never dropped with the cycle that failed on it. Its changed paths join the new request's
 * (a failed whole push makes the new push whole); nothing else of it carries over (its callers had their answer,
 * and a person's `--force` or `--resync` covered that cycle only). A dry run or a person's one-way sync runs as
 * asked: the next real cycle that pushes (at the latest the next full one) takes the rest.
 */
export function beginAfterFailure(state: CycleState, request: SyncRequest, at: number): Partial<CycleState> {
  const failed = state.current;
  const carries =
    failed !== null &&
    !failed.dryRun &&
    failed.direction !== "pull" &&
    !request.dryRun &&
    request.oneWay !== true;
  if (!carries) return beginCycle(state, request, at);
  const unpushed: SyncRequest = {
    direction: failed.direction,
    dryRun: false,
    requestIds: [],
    sources: [],
    ...(failed.paths === undefined ? {} : { paths: failed.paths }),
  };
  return beginCycle(state, mergeRequests(unpushed, request), at);
}

/** A request arrived while busy: remember it (merged), to run once afterwards. */
export function queueRequest(state: CycleState, request: SyncRequest): Partial<CycleState> {
  return { pending: mergeRequests(state.pending, request) };
}

/** Retrying: the cycle serves whatever was asked meanwhile too. */
export function beginRetry(state: CycleState, at: number): Partial<CycleState> {
  const current = state.pending === null ? state.current : mergeRequests(state.current, state.pending);
  return { current, pending: null, attempt: state.attempt + 1, retryAt: null, startedAt: at };
}

/** After a cycle: the coalesced follow-up becomes the current request. */
export function startPending(state: CycleState, at: number): Partial<CycleState> {
  return { current: state.pending, pending: null, attempt: 1, retryAt: null, startedAt: at };
}

export function canRetry(state: CycleState, error: FailureReason): boolean {
  return retryableKinds.includes(error.kind) && state.attempt < state.retry.attempts;
}

export function recordFailure(state: CycleState, error: FailureReason, at: number): Partial<CycleState> {
  return {
    lastError: error,
    totals: { ...state.totals, failures: state.totals.failures + 1 },
    failedInARow: { count: (state.failedInARow?.count ?? 0) + 1, lastAt: at },
  };
}

export function scheduleRetry(state: CycleState, at: number): Partial<CycleState> {
  return { retryAt: at + backoffDelay(state.retry, state.attempt) };
}

export function cycleSucceeded(state: CycleState): Partial<CycleState> {
  return {
    current: null,
    attempt: 0,
    retryAt: null,
    lastError: null,
    startedAt: null,
    totals: { ...state.totals, cycles: state.totals.cycles + 1 },
  };
}

export function requestIdsOf(request: SyncRequest | null): string[] {
  return request?.requestIds ?? [];
}

/** A guard stopped the cycle before it deleted anything: remembered until a real sync succeeds. */
export function recordHalt(_state: CycleState, halt: Halt): Partial<CycleState> {
  return { halt, lastError: null };
}

/** A real (not dry-run) guarded sync went through: whatever halted before is behind us. */
export function clearHalt(state: CycleState): Partial<CycleState> {
  return state.current?.dryRun === true ? {} : { halt: null };
}

export function isHalted(state: CycleState): boolean {
  return state.halt !== undefined && state.halt !== null;
}

/** What every finished cycle's record holds, or null when no cycle has a step time to end at. */
export interface FinishedCycle {
  startedAt: number;
  finishedAt: number;
  request: SyncRequest;
  attempts: number;
}

export function finishedCycle(state: CycleState, stepAt: number | null): FinishedCycle | null {
  if (state.current === null || state.startedAt === null || stepAt === null) return null;
  return { startedAt: state.startedAt, finishedAt: stepAt, request: state.current, attempts: state.attempt };
}
