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
 * The cycle around the steps is the sync-cycle skeleton (`sync-cycle.ts`, `sync-chart.ts`). Pure: effects
 * are placeholder actors the host provides; every outcome is a typed event with `at`.
 */
import { assertEvent, assign } from "xstate";
import * as cycle from "./cycle.js";
import { inert } from "./host.js";
import { type Conflict, type FailureReason, failureOf, type TransferOutcome } from "./outcomes.js";
import { isOneWay, mergeRequests, type SyncRequest, toRequest } from "./requests.js";
import { syncChart } from "./sync-chart.js";
import {
  finishCycle,
  type GuardedStepEvent,
  type SyncContext,
  type SyncEvent,
  syncCycle,
} from "./sync-cycle.js";

export interface BisyncOutcome extends TransferOutcome {
  /** Conflicts found and resolved by this run: the winner kept the name, the loser is beside it. */
  conflicts: Conflict[];
  /** The run was a `--resync`. */
  resynced: boolean;
  /** Stale bisync lock files removed before the run (their path), each provably stale. */
  staleLocksRemoved: string[];
  /**
   * Files changed on a side while bisync ran, which it did not carry over (rclone < 1.66): its listings
   * were repaired so the next run does, and a follow-up cycle runs. Absent in older logs.
   */
  changedDuringRun?: string[];
}

export interface BisyncCycleRecord extends cycle.FinishedCycle {
  bisync: BisyncOutcome | null;
  /** A one-shot one-way sync (`--direction push|pull`). */
  transfer: TransferOutcome | null;
  /** This cycle ran again because these files changed during the one before; absent on other cycles. */
  rerunOf?: string[];
}

export interface BisyncContext extends SyncContext {
  bisync: BisyncOutcome | null;
  transfer: TransferOutcome | null;
  lastCycle: BisyncCycleRecord | null;
  lastDryRun: BisyncCycleRecord | null;
  /** Why bisync cannot run without `--resync`, with what to do; null when its listings are good. */
  resyncNeeded: FailureReason | null;
  conflictsTotal: number;
  /** The files that changed during the last run and made a follow-up cycle (`rerun`) run; absent before any. */
  rerunFor?: string[];
}

/** The skeleton's events, and the outcomes of bisync and of a one-shot transfer. */
export type BisyncEvent =
  | SyncEvent
  | GuardedStepEvent<"bisync", BisyncOutcome>
  | GuardedStepEvent<"transfer", TransferOutcome>;

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

/** Bisync's own effects, under the names the host provides them by, with their input. */
interface BisyncEffects {
  bisync: BisyncStepInput;
  transfer: TransferStepInput;
}

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

/** The follow-up of a cycle during which files changed: a real two-way cycle, answering the same requests. */
function rerunRequest(current: SyncRequest): SyncRequest {
  return { direction: "both", dryRun: false, requestIds: current.requestIds, sources: ["rerun"] };
}

const bisync = syncCycle<BisyncContext, BisyncEvent, BisyncEffects>({
  actors: { bisync: inert(), transfer: inert() },
  cleared: { bisync: null, transfer: null },
}).extend({
  guards: {
    isOneWay: ({ context }) => context.current !== null && isOneWay(context.current),
    lostListings: ({ event }) => failureOf(event).kind === "needs-resync",
    resyncNeeded: ({ context }) => context.resyncNeeded !== null,
    /** Leaves `needsResync`: a `--resync`, or a one-shot push/pull (which needs no listings). */
    mayRunWithoutListings: ({ event }) => {
      assertEvent(event, "syncRequested");
      return event.resync === true || (event.direction ?? "both") !== "both";
    },
  },
  actions: {
    /** In `needsResync`, a plain request is answered at once: it failed, for the reason on record. */
    refuseRequest: assign(({ context, event }) => {
      assertEvent(event, "syncRequested");
      return { current: toRequest(event), pending: null, attempt: 0, lastError: context.resyncNeeded };
    }),
    recordBisync: assign(({ context, event }) => {
      assertEvent(event, "bisyncDone");
      const { type: _type, at, ...outcome } = event;
      const real = context.current?.dryRun !== true;
      const changed = outcome.changedDuringRun ?? [];
      // Files changed during the run: the cycle runs once more (not again after a rerun: the repaired
      // listings let any later cycle carry them over).
      const current = context.current;
      const rerun = real && changed.length > 0 && current !== null && !current.sources.includes("rerun");
      return {
        ...(rerun
          ? { pending: mergeRequests(context.pending, rerunRequest(current)), rerunFor: changed }
          : {}),
        bisync: outcome,
        stepAt: at,
        ...cycle.clearHalt(context),
        ...(real
          ? { resyncNeeded: null, conflictsTotal: context.conflictsTotal + outcome.conflicts.length }
          : {}),
      };
    }),
    recordTransfer: assign(({ context, event }) => {
      assertEvent(event, "transferDone");
      const { stats, changes, changeCount } = event;
      return { transfer: { stats, changes, changeCount }, stepAt: event.at, ...cycle.clearHalt(context) };
    }),
    markResyncNeeded: assign(({ event }) => ({ resyncNeeded: failureOf(event) })),
    finishCycle: assign(({ context }) =>
      finishCycle(context, {
        bisync: context.bisync,
        transfer: context.transfer,
        // Only on a rerun's record, so records of logs written before reruns existed stay as they were.
        ...(context.current?.sources.includes("rerun") === true ? { rerunOf: context.rerunFor ?? [] } : {}),
      }),
    ),
  },
});

const chart = syncChart("bisync");

const syncing = bisync.createStateConfig({
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
    // bisync itself is the only step that can lose its listings.
    bisyncFailed: [
      {
        guard: "lostListings",
        target: "#bisync.needsResync",
        actions: ["recordFailure", "markResyncNeeded"],
      },
      ...chart.onFailure,
    ],
  },
});

const transferring = bisync.createStateConfig({
  invoke: {
    id: "transfer",
    src: "transfer",
    input: ({ context }) => ({
      direction: context.current?.direction === "push" ? "push" : "pull",
      dryRun: context.current?.dryRun ?? false,
      force: context.current?.force === true,
    }),
  },
  on: {
    transferDone: { target: "done", actions: "recordTransfer" },
    transferHalted: { target: "#bisync.halted", actions: "recordHalt" },
    transferFailed: chart.onFailure,
  },
});

export const bisyncMachine = bisync.createMachine({
  id: "bisync",
  context: initialBisyncContext,
  initial: "idle",
  on: chart.on,
  states: {
    idle: chart.idle,
    running: chart.running({
      // After the lock (and the bootstrap): a one-shot push or pull, else bisync.
      firstStep: [{ guard: "isOneWay", target: "transferring" }, { target: "syncing" }],
      steps: { syncing, transferring },
      // Before a halt: while the listings are unusable, the machine waits in `needsResync`.
      resting: [{ guard: "resyncNeeded", target: "needsResync", actions: "finishCycle" }],
    }),
    recovering: chart.recovering,
    failed: chart.failed,
    halted: chart.halted,
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
