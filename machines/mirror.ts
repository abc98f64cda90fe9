/**
 * The mirror statechart: the workspace follows the remote. Each cycle is a one-way `rclone sync`
 * remote → local (`pulling`); with `ingest` on, the same cycle first copies the local ingest folder
 * up, additively (`ingesting`), and the pull never touches that folder. `--direction push` is a
 * one-shot one-way sync local → remote instead (`pushing`). Both syncs sit behind the deletion guards:
 * a guard that holds moves the machine to `halted` before anything is deleted.
 *
 * Pure, like the mailbox machine: effects are placeholder actors the host provides; every outcome is
 * a typed event carrying `at`.
 */
import { assign, fromCallback, setup } from "xstate";
import * as cycle from "./cycle.js";
import {
  type FailureReason,
  failureOf,
  type Halt,
  type RetryPolicy,
  type TransferOutcome,
} from "./outcomes.js";
import { type SyncRequest, type SyncRequestInput, toRequest } from "./requests.js";

export interface MirrorCycleRecord {
  startedAt: number;
  finishedAt: number;
  request: SyncRequest;
  attempts: number;
  /** The ingest folder's copy up (null when ingest is off or not part of this cycle). */
  ingest: TransferOutcome | null;
  /** The mirror pull, remote → local. */
  pull: TransferOutcome | null;
  /** A one-shot push (`--direction push`), local → remote. */
  push: TransferOutcome | null;
}

export interface MirrorContext extends cycle.CycleState {
  /** The local folders (synced folder, ingest folder) were made since this host started. */
  bootstrapped: boolean;
  /** `ingest: true` in the config, as the last `hostStarted` said. */
  ingestEnabled: boolean;
  ingest: TransferOutcome | null;
  pull: TransferOutcome | null;
  push: TransferOutcome | null;
  lastCycle: MirrorCycleRecord | null;
  lastDryRun: MirrorCycleRecord | null;
  rclone: string | null;
  stepAt: number | null;
}

type At = { at: number };
type Step = "ingest" | "pull" | "push";
export type MirrorEvent =
  | ({ type: "hostStarted"; pid: number; retry?: RetryPolicy; rclone?: string; ingest?: boolean } & At)
  | ({ type: "hostStopped"; pid: number } & At)
  | ({ type: "syncRequested" } & SyncRequestInput & At)
  | ({ type: "lockAcquired" } & At)
  | ({ type: "lockHeld"; error: FailureReason } & At)
  | ({ type: "bootstrapDone" } & At)
  | ({ type: "bootstrapFailed"; error: FailureReason } & At)
  | ({ type: "ingestDone" } & TransferOutcome & At)
  | ({ type: "ingestFailed"; error: FailureReason } & At)
  | ({ type: "pullDone" } & TransferOutcome & At)
  | ({ type: "pullFailed"; error: FailureReason } & At)
  | ({ type: "pullHalted"; halt: Halt } & At)
  | ({ type: "pushDone" } & TransferOutcome & At)
  | ({ type: "pushFailed"; error: FailureReason } & At)
  | ({ type: "pushHalted"; halt: Halt } & At)
  | ({ type: "retryDue" } & At);

export interface MirrorStepInput {
  dryRun: boolean;
  force: boolean;
}

const inert = <TInput>() => fromCallback<MirrorEvent, TInput>(() => undefined);

export const initialMirrorContext: MirrorContext = {
  ...cycle.initialCycleState,
  bootstrapped: false,
  ingestEnabled: false,
  ingest: null,
  pull: null,
  push: null,
  lastCycle: null,
  lastDryRun: null,
  rclone: null,
  stepAt: null,
};

function outcomeOf(event: MirrorEvent): TransferOutcome | null {
  return "changes" in event
    ? { stats: event.stats, changes: event.changes, changeCount: event.changeCount }
    : null;
}

function finished(context: MirrorContext): MirrorCycleRecord | null {
  const base = cycle.finishedCycle(context, context.stepAt);
  return base && { ...base, ingest: context.ingest, pull: context.pull, push: context.push };
}

const onFailure = [
  { guard: "canRetry", target: "#mirror.recovering", actions: ["recordFailure", "scheduleRetry"] },
  { target: "#mirror.failed", actions: "recordFailure" },
] as const;

/** After the lock (and the bootstrap): the first step this request wants. */
const firstStep = [
  { guard: "isPush", target: "pushing" },
  { guard: "wantsIngest", target: "ingesting" },
  { target: "pulling" },
] as const;

const stepInput = ({ context }: { context: MirrorContext }): MirrorStepInput => ({
  dryRun: context.current?.dryRun ?? false,
  force: context.current?.force === true,
});

const cleared = { ingest: null, pull: null, push: null };

export const mirrorMachine = setup({
  types: { context: {} as MirrorContext, events: {} as MirrorEvent },
  actors: {
    holdLock: inert<undefined>(),
    bootstrap: inert<undefined>(),
    ingest: inert<MirrorStepInput>(),
    pull: inert<MirrorStepInput>(),
    push: inert<MirrorStepInput>(),
    waitUntil: inert<{ at: number }>(),
  },
  guards: {
    needsBootstrap: ({ context }) => !context.bootstrapped && context.current?.dryRun !== true,
    isPush: ({ context }) => context.current?.direction === "push",
    wantsIngest: ({ context }) => context.ingestEnabled && context.current?.direction === "both",
    canRetry: ({ context, event }) => cycle.canRetry(context, failureOf(event)),
    hasPending: ({ context }) => context.pending !== null,
    isHalted: ({ context }) => cycle.isHalted(context),
  },
  actions: {
    applySettings: assign(({ event }) =>
      event.type === "hostStarted"
        ? {
            bootstrapped: false,
            ...(event.retry ? { retry: event.retry } : {}),
            ...(event.rclone ? { rclone: event.rclone } : {}),
            ...(event.ingest === undefined ? {} : { ingestEnabled: event.ingest }),
          }
        : {},
    ),
    beginCycle: assign(({ context, event }) =>
      event.type === "syncRequested"
        ? { ...cycle.beginCycle(context, toRequest(event), event.at), ...cleared }
        : {},
    ),
    queueRequest: assign(({ context, event }) =>
      event.type === "syncRequested" ? cycle.queueRequest(context, toRequest(event)) : {},
    ),
    restartCycle: assign(({ event }) => ({ ...cleared, startedAt: event.at })),
    beginRetry: assign(({ context, event }) => ({ ...cycle.beginRetry(context, event.at), ...cleared })),
    markBootstrapped: assign({ bootstrapped: true }),
    recordStep: assign(({ context, event }) => {
      const step: Step | null =
        event.type === "ingestDone"
          ? "ingest"
          : event.type === "pullDone"
            ? "pull"
            : event.type === "pushDone"
              ? "push"
              : null;
      if (step === null) return {};
      // A one-way sync that went through clears an earlier halt; the additive ingest copy does not.
      const halt = step === "ingest" ? {} : cycle.clearHalt(context);
      return { [step]: outcomeOf(event), stepAt: event.at, ...halt };
    }),
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
  id: "mirror",
  context: initialMirrorContext,
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
        ingesting: {
          invoke: { id: "ingest", src: "ingest", input: stepInput },
          on: {
            ingestDone: { target: "pulling", actions: "recordStep" },
            ingestFailed: onFailure,
          },
        },
        pulling: {
          invoke: { id: "pull", src: "pull", input: stepInput },
          on: {
            pullDone: { target: "done", actions: "recordStep" },
            pullHalted: { target: "#mirror.halted", actions: "recordHalt" },
            pullFailed: onFailure,
          },
        },
        pushing: {
          invoke: { id: "push", src: "push", input: stepInput },
          on: {
            pushDone: { target: "done", actions: "recordStep" },
            pushHalted: { target: "#mirror.halted", actions: "recordHalt" },
            pushFailed: onFailure,
          },
        },
        done: { type: "final" },
      },
      onDone: [
        { guard: "hasPending", target: "running", reenter: true, actions: ["finishCycle", "startPending"] },
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
    // A deletion guard held: nothing was deleted. The next request checks again; `--force` goes through.
    halted: {
      on: { syncRequested: { target: "running", actions: "beginCycle" } },
    },
  },
});

export type MirrorMachine = typeof mirrorMachine;
