/**
 * The bisync statechart: two-way `rclone bisync`, path1 = the remote, path2 = the workspace.
 *
 * - `needsResync`: bisync has no usable listings (the first run, lost or errored listings, a critical
 *   abort, changed filters). Only a person's `sync --resync` leaves it; the host never resyncs by itself.
 * - `recovering`: retryable aborts (and a live bisync lock) are retried with backoff.
 * - `halted`: bisync's own safety check (too many deletes, every file changed) or a one-shot one-way
 *   sync's deletion guard stopped the cycle; `--force` goes through.
 * - `--direction push|pull` runs a one-shot one-way sync instead of bisync (`transferring`).
 *
 * Pure: effects are placeholder actors the host provides; every outcome is a typed event with `at`.
 */
import { assign, fromCallback, setup } from "xstate";
import * as cycle from "./cycle.js";
import {
  type Conflict,
  type FailureReason,
  failureOf,
  type Halt,
  type RetryPolicy,
  type TransferOutcome,
} from "./outcomes.js";
import { isOneWay, type SyncRequest, type SyncRequestInput, toRequest } from "./requests.js";

export interface BisyncOutcome extends TransferOutcome {
  /** Conflicts found and resolved by this run: the winner kept the name, the loser is beside it. */
  conflicts: Conflict[];
  /** The run was a `--resync`. */
  resynced: boolean;
  /** Stale bisync lock files removed before the run (their path), each provably stale. */
  staleLocksRemoved: string[];
}

export interface BisyncCycleRecord {
  startedAt: number;
  finishedAt: number;
  request: SyncRequest;
  attempts: number;
  bisync: BisyncOutcome | null;
  /** A one-shot one-way sync (`--direction push|pull`). */
  transfer: TransferOutcome | null;
}

export interface BisyncContext extends cycle.CycleState {
  bootstrapped: boolean;
  bisync: BisyncOutcome | null;
  transfer: TransferOutcome | null;
  lastCycle: BisyncCycleRecord | null;
  lastDryRun: BisyncCycleRecord | null;
  /** Why bisync cannot run without `--resync`, with what to do; null when its listings are good. */
  resyncNeeded: FailureReason | null;
  conflictsTotal: number;
  rclone: string | null;
  stepAt: number | null;
}

type At = { at: number };
export type BisyncEvent =
  | ({ type: "hostStarted"; pid: number; retry?: RetryPolicy; rclone?: string } & At)
  | ({ type: "hostStopped"; pid: number } & At)
  | ({ type: "syncRequested" } & SyncRequestInput & At)
  | ({ type: "lockAcquired" } & At)
  | ({ type: "lockHeld"; error: FailureReason } & At)
  | ({ type: "bootstrapDone" } & At)
  | ({ type: "bootstrapFailed"; error: FailureReason } & At)
  | ({ type: "bisyncDone" } & BisyncOutcome & At)
  | ({ type: "bisyncFailed"; error: FailureReason } & At)
  | ({ type: "bisyncHalted"; halt: Halt } & At)
  | ({ type: "transferDone" } & TransferOutcome & At)
  | ({ type: "transferFailed"; error: FailureReason } & At)
  | ({ type: "transferHalted"; halt: Halt } & At)
  | ({ type: "retryDue" } & At);

export interface BisyncStepInput {
  dryRun: boolean;
  force: boolean;
  resync: boolean;
}
export interface TransferStepInput {
  direction: "push" | "pull";
  dryRun: boolean;
  force: boolean;
}

const inert = <TInput>() => fromCallback<BisyncEvent, TInput>(() => undefined);

export const initialBisyncContext: BisyncContext = {
  ...cycle.initialCycleState,
  bootstrapped: false,
  bisync: null,
  transfer: null,
  lastCycle: null,
  lastDryRun: null,
  resyncNeeded: null,
  conflictsTotal: 0,
  rclone: null,
  stepAt: null,
};

function finished(context: BisyncContext): BisyncCycleRecord | null {
  const base = cycle.finishedCycle(context, context.stepAt);
  return base && { ...base, bisync: context.bisync, transfer: context.transfer };
}

const onFailure = [
  { guard: "canRetry", target: "#bisync.recovering", actions: ["recordFailure", "scheduleRetry"] },
  { target: "#bisync.failed", actions: "recordFailure" },
] as const;

/** bisync itself is the only step that can lose its listings. */
const onBisyncFailure = [
  { guard: "lostListings", target: "#bisync.needsResync", actions: ["recordFailure", "markResyncNeeded"] },
  ...onFailure,
] as const;

const firstStep = [{ guard: "isOneWay", target: "transferring" }, { target: "syncing" }] as const;
const cleared = { bisync: null, transfer: null };

export const bisyncMachine = setup({
  types: { context: {} as BisyncContext, events: {} as BisyncEvent },
  actors: {
    holdLock: inert<undefined>(),
    bootstrap: inert<undefined>(),
    bisync: inert<BisyncStepInput>(),
    transfer: inert<TransferStepInput>(),
    waitUntil: inert<{ at: number }>(),
  },
  guards: {
    needsBootstrap: ({ context }) => !context.bootstrapped && context.current?.dryRun !== true,
    isOneWay: ({ context }) => context.current !== null && isOneWay(context.current),
    lostListings: ({ event }) => failureOf(event).kind === "needs-resync",
    canRetry: ({ context, event }) => cycle.canRetry(context, failureOf(event)),
    hasPending: ({ context }) => context.pending !== null,
    isHalted: ({ context }) => cycle.isHalted(context),
    resyncNeeded: ({ context }) => context.resyncNeeded !== null,
    /** Leaves `needsResync`: a `--resync`, or a one-shot push/pull (which needs no listings). */
    mayRunWithoutListings: ({ event }) =>
      event.type === "syncRequested" && (event.resync === true || (event.direction ?? "both") !== "both"),
  },
  actions: {
    applySettings: assign(({ event }) =>
      event.type === "hostStarted"
        ? {
            bootstrapped: false,
            ...(event.retry ? { retry: event.retry } : {}),
            ...(event.rclone ? { rclone: event.rclone } : {}),
          }
        : {},
    ),
    beginCycle: assign(({ context, event }) =>
      event.type === "syncRequested"
        ? { ...cycle.beginCycle(context, toRequest(event), event.at), ...cleared }
        : {},
    ),
    /** In `needsResync`, a plain request is answered at once: it failed, for the reason on record. */
    refuseRequest: assign(({ context, event }) =>
      event.type === "syncRequested"
        ? { current: toRequest(event), pending: null, attempt: 0, lastError: context.resyncNeeded }
        : {},
    ),
    queueRequest: assign(({ context, event }) =>
      event.type === "syncRequested" ? cycle.queueRequest(context, toRequest(event)) : {},
    ),
    restartCycle: assign(({ event }) => ({ ...cleared, startedAt: event.at })),
    beginRetry: assign(({ context, event }) => ({ ...cycle.beginRetry(context, event.at), ...cleared })),
    markBootstrapped: assign({ bootstrapped: true }),
    recordBisync: assign(({ context, event }) => {
      if (event.type !== "bisyncDone") return {};
      const { type: _type, at, ...outcome } = event;
      const real = context.current?.dryRun !== true;
      return {
        bisync: outcome,
        stepAt: at,
        ...cycle.clearHalt(context),
        ...(real
          ? { resyncNeeded: null, conflictsTotal: context.conflictsTotal + outcome.conflicts.length }
          : {}),
      };
    }),
    recordTransfer: assign(({ context, event }) =>
      event.type === "transferDone"
        ? {
            transfer: { stats: event.stats, changes: event.changes, changeCount: event.changeCount },
            stepAt: event.at,
            ...cycle.clearHalt(context),
          }
        : {},
    ),
    recordHalt: assign(({ context, event }) =>
      "halt" in event ? { ...cycle.recordHalt(context, event.halt), stepAt: event.at } : {},
    ),
    recordFailure: assign(({ context, event }) => {
      const error = failureOf(event);
      return {
        ...cycle.recordFailure(context, error),
        bootstrapped: error.kind === "not-found" ? false : context.bootstrapped,
      };
    }),
    markResyncNeeded: assign(({ event }) => ({ resyncNeeded: failureOf(event) })),
    scheduleRetry: assign(({ context, event }) => cycle.scheduleRetry(context, event.at)),
    finishCycle: assign(({ context }) => {
      const record = finished(context);
      if (record?.request.dryRun)
        return { ...cycle.cycleSucceeded(context), lastDryRun: record, totals: context.totals };
      return { ...cycle.cycleSucceeded(context), lastCycle: record };
    }),
    startPending: assign(({ context }) => ({
      ...cycle.startPending(context, context.stepAt ?? context.startedAt ?? 0),
      ...cleared,
    })),
  },
}).createMachine({
  id: "bisync",
  context: initialBisyncContext,
  initial: "idle",
  on: {
    hostStarted: { actions: "applySettings" },
    hostStopped: {},
  },
  states: {
    idle: {
      on: { syncRequested: { target: "running", actions: "beginCycle" } },
    },
    running: {
      invoke: { id: "cycleLock", src: "holdLock" },
      initial: "locking",
      on: {
        syncRequested: { actions: "queueRequest" },
        hostStarted: { target: "running", reenter: true, actions: ["applySettings", "restartCycle"] },
      },
      states: {
        locking: {
          on: {
            lockAcquired: [{ guard: "needsBootstrap", target: "bootstrapping" }, ...firstStep],
            lockHeld: onFailure,
          },
        },
        bootstrapping: {
          invoke: { id: "bootstrap", src: "bootstrap" },
          on: {
            bootstrapDone: firstStep.map((t) => ({ ...t, actions: "markBootstrapped" })),
            bootstrapFailed: onFailure,
          },
        },
        syncing: {
          invoke: {
            id: "bisync",
            src: "bisync",
            input: ({ context }) => ({
              dryRun: context.current?.dryRun ?? false,
              force: context.current?.force === true,
              resync: context.current?.resync === true,
            }),
          },
          on: {
            bisyncDone: { target: "done", actions: "recordBisync" },
            bisyncHalted: { target: "#bisync.halted", actions: "recordHalt" },
            bisyncFailed: onBisyncFailure,
          },
        },
        transferring: {
          invoke: {
            id: "transfer",
            src: "transfer",
            input: ({ context }) => ({
              direction: context.current?.direction === "push" ? ("push" as const) : ("pull" as const),
              dryRun: context.current?.dryRun ?? false,
              force: context.current?.force === true,
            }),
          },
          on: {
            transferDone: { target: "done", actions: "recordTransfer" },
            transferHalted: { target: "#bisync.halted", actions: "recordHalt" },
            transferFailed: onFailure,
          },
        },
        done: { type: "final" },
      },
      onDone: [
        { guard: "hasPending", target: "running", reenter: true, actions: ["finishCycle", "startPending"] },
        { guard: "resyncNeeded", target: "needsResync", actions: "finishCycle" },
        { guard: "isHalted", target: "halted", actions: "finishCycle" },
        { target: "idle", actions: "finishCycle" },
      ],
    },
    recovering: {
      invoke: { id: "retryTimer", src: "waitUntil", input: ({ context }) => ({ at: context.retryAt ?? 0 }) },
      on: {
        retryDue: { target: "running", actions: "beginRetry" },
        syncRequested: { target: "running", actions: ["queueRequest", "beginRetry"] },
      },
    },
    failed: {
      on: { syncRequested: { target: "running", actions: "beginCycle" } },
    },
    halted: {
      on: { syncRequested: { target: "running", actions: "beginCycle" } },
    },
    // Bisync's listings are gone or broken. `status` and the log say why and what to run.
    needsResync: {
      on: {
        syncRequested: [
          { guard: "mayRunWithoutListings", target: "running", actions: "beginCycle" },
          { target: "needsResync", actions: "refuseRequest" },
        ],
      },
    },
  },
});

export type BisyncMachine = typeof bisyncMachine;
