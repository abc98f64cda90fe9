/**
 * The mailbox statechart: push the workspace up, drain the remote `_outbox` into the local `_inbox`.
 *
 * Pure: every effect (the cycle lock, bootstrap, push, drain, waiting for a deadline) is an actor
 * named in `setup()` with an inert placeholder and provided by the host at run time. Every outcome
 * comes back as a typed event carrying the time it happened (`at`, epoch ms), so deadlines live in
 * context and the machine replays through XState's pure `transition()`.
 */
import { assign, fromCallback, setup } from "xstate";
import * as cycle from "./cycle.js";
import {
  type FailureReason,
  type FileChange,
  failureOf,
  type Halt,
  type RetryPolicy,
  type TransferStats,
} from "./outcomes.js";
import { type SyncRequest, type SyncRequestInput, toRequest, wantsDrain, wantsPush } from "./requests.js";

export interface PushOutcome {
  stats: TransferStats;
  /** The first changes (all of them in a dry run, up to the preview limit). */
  changes: FileChange[];
  changeCount: number;
}

export interface DrainOutcome {
  /** Workspace-relative names of the files that arrived in `_inbox` (after any rename). */
  arrivals: string[];
  /** Arrivals whose name was taken in `_inbox`, kept under a new unique name. */
  renamed: { from: string; to: string }[];
  stats: TransferStats;
}

export interface MailboxCycleRecord {
  startedAt: number;
  finishedAt: number;
  request: SyncRequest;
  attempts: number;
  push: PushOutcome | null;
  drain: DrainOutcome | null;
}

export interface MailboxContext extends cycle.CycleState {
  /** The remote `_outbox` and local `_inbox` were made since this host started (again after a not-found). */
  bootstrapped: boolean;
  push: PushOutcome | null;
  drain: DrainOutcome | null;
  lastCycle: MailboxCycleRecord | null;
  lastDryRun: MailboxCycleRecord | null;
  arrivalsTotal: number;
  /** The rclone the current host runs (`rclone version`'s first line), for status and capability gates. */
  rclone: string | null;
  /** When the last step of the cycle finished (epoch ms): done events carry no time of their own. */
  stepAt: number | null;
}

type At = { at: number };
export type MailboxEvent =
  | ({ type: "hostStarted"; pid: number; retry?: RetryPolicy; rclone?: string } & At)
  | ({ type: "hostStopped"; pid: number } & At)
  | ({ type: "syncRequested" } & SyncRequestInput & At)
  | ({ type: "lockAcquired" } & At)
  | ({ type: "lockHeld"; error: FailureReason } & At)
  | ({ type: "bootstrapDone" } & At)
  | ({ type: "bootstrapFailed"; error: FailureReason } & At)
  | ({ type: "pushDone" } & PushOutcome & At)
  | ({ type: "pushFailed"; error: FailureReason } & At)
  /** A deletion guard stopped the push before it deleted anything. */
  | ({ type: "pushHalted"; halt: Halt } & At)
  | ({ type: "drainDone" } & DrainOutcome & At)
  | ({ type: "drainFailed"; error: FailureReason } & At)
  | ({ type: "retryDue" } & At);

export interface DryRunInput {
  dryRun: boolean;
}
/** A one-way sync: a dry run, or a real run that may be forced past the deletion guards. */
export interface GuardedInput extends DryRunInput {
  force: boolean;
}
export interface DeadlineInput {
  at: number;
}

/** Placeholders: the machine names its effects; the host provides them. */
const inert = <TInput>() => fromCallback<MailboxEvent, TInput>(() => undefined);

export const initialMailboxContext: MailboxContext = {
  ...cycle.initialCycleState,
  bootstrapped: false,
  push: null,
  drain: null,
  lastCycle: null,
  lastDryRun: null,
  arrivalsTotal: 0,
  rclone: null,
  stepAt: null,
};

function finished(context: MailboxContext): MailboxCycleRecord | null {
  const base = cycle.finishedCycle(context, context.stepAt);
  return base && { ...base, push: context.push, drain: context.drain };
}

const onFailure = [
  { guard: "canRetry", target: "#mailbox.recovering", actions: ["recordFailure", "scheduleRetry"] },
  { target: "#mailbox.failed", actions: "recordFailure" },
] as const;

export const mailboxMachine = setup({
  types: {
    context: {} as MailboxContext,
    events: {} as MailboxEvent,
  },
  actors: {
    holdLock: inert<undefined>(),
    bootstrap: inert<undefined>(),
    push: inert<GuardedInput>(),
    drain: inert<DryRunInput>(),
    waitUntil: inert<DeadlineInput>(),
  },
  guards: {
    needsBootstrap: ({ context }) => !context.bootstrapped && context.current?.dryRun !== true,
    wantsPush: ({ context }) => context.current !== null && wantsPush(context.current),
    wantsDrain: ({ context }) => context.current !== null && wantsDrain(context.current),
    canRetry: ({ context, event }) => cycle.canRetry(context, failureOf(event)),
    hasPending: ({ context }) => context.pending !== null,
    isHalted: ({ context }) => cycle.isHalted(context),
  },
  actions: {
    // Every host start makes the mailbox folders again on its first cycle: someone may have removed them.
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
        ? { ...cycle.beginCycle(context, toRequest(event), event.at), push: null, drain: null }
        : {},
    ),
    queueRequest: assign(({ context, event }) =>
      event.type === "syncRequested" ? cycle.queueRequest(context, toRequest(event)) : {},
    ),
    restartCycle: assign(({ event }) => ({ push: null, drain: null, startedAt: event.at })),
    beginRetry: assign(({ context, event }) => ({
      ...cycle.beginRetry(context, event.at),
      push: null,
      drain: null,
    })),
    markBootstrapped: assign({ bootstrapped: true }),
    recordPush: assign(({ context, event }) =>
      event.type === "pushDone"
        ? {
            push: { stats: event.stats, changes: event.changes, changeCount: event.changeCount },
            stepAt: event.at,
            ...cycle.clearHalt(context),
          }
        : {},
    ),
    recordHalt: assign(({ context, event }) =>
      event.type === "pushHalted" ? { ...cycle.recordHalt(context, event.halt), stepAt: event.at } : {},
    ),
    recordDrain: assign(({ event }) =>
      event.type === "drainDone"
        ? {
            drain: { arrivals: event.arrivals, renamed: event.renamed, stats: event.stats },
            stepAt: event.at,
          }
        : {},
    ),
    recordFailure: assign(({ context, event }) => {
      const error = failureOf(event);
      return {
        ...cycle.recordFailure(context, error),
        // A missing `_outbox` or `_inbox` is made again before the next try.
        bootstrapped: error.kind === "not-found" ? false : context.bootstrapped,
      };
    }),
    scheduleRetry: assign(({ context, event }) => cycle.scheduleRetry(context, event.at)),
    finishCycle: assign(({ context }) => {
      const record = finished(context);
      const arrivals = context.drain?.arrivals.length ?? 0;
      if (record?.request.dryRun)
        return { ...cycle.cycleSucceeded(context), lastDryRun: record, totals: context.totals };
      return {
        ...cycle.cycleSucceeded(context),
        lastCycle: record,
        arrivalsTotal: context.arrivalsTotal + arrivals,
      };
    }),
    startPending: assign(({ context }) => ({
      ...cycle.startPending(context, context.stepAt ?? context.startedAt ?? 0),
      push: null,
      drain: null,
    })),
  },
}).createMachine({
  id: "mailbox",
  context: initialMailboxContext,
  initial: "idle",
  on: {
    hostStarted: { actions: "applySettings" },
    // Recorded so the log shows the stop; what was running starts again with the next host.
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
        // The host died mid-cycle: run the cycle again from the lock. Every step is safe to repeat.
        hostStarted: { target: "running", reenter: true, actions: ["applySettings", "restartCycle"] },
      },
      states: {
        locking: {
          on: {
            lockAcquired: [
              { guard: "needsBootstrap", target: "bootstrapping" },
              { guard: "wantsPush", target: "pushing" },
              { target: "draining" },
            ],
            lockHeld: onFailure,
          },
        },
        bootstrapping: {
          invoke: { id: "bootstrap", src: "bootstrap" },
          on: {
            bootstrapDone: [
              { guard: "wantsPush", target: "pushing", actions: "markBootstrapped" },
              { target: "draining", actions: "markBootstrapped" },
            ],
            bootstrapFailed: onFailure,
          },
        },
        pushing: {
          invoke: {
            id: "push",
            src: "push",
            input: ({ context }) => ({
              dryRun: context.current?.dryRun ?? false,
              force: context.current?.force === true,
            }),
          },
          on: {
            pushHalted: { target: "#mailbox.halted", actions: "recordHalt" },
            pushDone: [
              { guard: "wantsDrain", target: "draining", actions: "recordPush" },
              { target: "done", actions: "recordPush" },
            ],
            pushFailed: onFailure,
          },
        },
        draining: {
          invoke: {
            id: "drain",
            src: "drain",
            input: ({ context }) => ({ dryRun: context.current?.dryRun ?? false }),
          },
          on: {
            drainDone: { target: "done", actions: "recordDrain" },
            drainFailed: onFailure,
          },
        },
        done: { type: "final" },
      },
      onDone: [
        { guard: "hasPending", target: "running", reenter: true, actions: ["finishCycle", "startPending"] },
        // A drain-only or dry-run cycle leaves an earlier halt in place.
        { guard: "isHalted", target: "halted", actions: "finishCycle" },
        { target: "idle", actions: "finishCycle" },
      ],
    },
    recovering: {
      invoke: {
        id: "retryTimer",
        src: "waitUntil",
        input: ({ context }) => ({ at: context.retryAt ?? 0 }),
      },
      on: {
        retryDue: { target: "running", actions: "beginRetry" },
        // Asked again while waiting: try now, serving everything asked so far.
        syncRequested: { target: "running", actions: ["queueRequest", "beginRetry"] },
      },
    },
    failed: {
      on: { syncRequested: { target: "running", actions: "beginCycle" } },
    },
    // A deletion guard stopped the push: the next cycle checks again (a changed workspace passes),
    // and a forced one goes through.
    halted: {
      on: { syncRequested: { target: "running", actions: "beginCycle" } },
    },
  },
});

export type MailboxMachine = typeof mailboxMachine;
