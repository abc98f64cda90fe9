/**
 * The mailbox statechart: push the workspace up, drain the remote `_outbox` into the local `_inbox`.
 *
 * The cycle around those two steps (the lock, the bootstrap of the mailbox folders, retries, halts,
 * coalesced requests) is the sync-cycle skeleton (`sync-cycle.ts`, `sync-chart.ts`); what is the
 * mailbox's own is here. Pure: every effect (the cycle lock, bootstrap, push, drain, waiting for a deadline)
 * is an actor named with an inert placeholder and provided by the host at run time. Every outcome comes
 * back as a typed event carrying the time it happened (`at`, epoch ms), so deadlines live in context and
 * the machine replays through XState's pure `transition()`.
 */
import { assertEvent, assign } from "xstate";
import * as cycle from "./cycle.js";
import { inert } from "./host.js";
import type { FileChange, TransferOutcome, TransferStats } from "./outcomes.js";
import { isIncremental, isOneWayPull, wantsDrain, wantsPush } from "./requests.js";
import { syncChart } from "./sync-chart.js";
import {
  finishCycle,
  type GuardedStepEvent,
  type StepEvent,
  type SyncContext,
  type SyncEvent,
  syncCycle,
} from "./sync-cycle.js";

export type { DeadlineInput } from "./host.js";

export interface PushOutcome {
  stats: TransferStats;
  /** An incremental push: how many changed paths it was given (absent: the whole tree was pushed). */
  changedPaths?: number;
  /** The first changes (all of them in a dry run, up to the preview limit). */
  changes: FileChange[];
  changeCount: number;
}

export interface DrainOutcome {
  /** Workspace-relative names of the files that arrived in `_inbox` (after any rename). */
  arrivals: string[];
  /**
   * Arrivals kept under another name: `taken` (the name was in use in `_inbox`, a folder over a file or the
   * reverse), `unsafe-name` (invalid UTF-8, a control character, too long once numbered). Older logs have no `why`.
   */
  renamed: { from: string; to: string; why?: "taken" | "unsafe-name" }[];
  stats: TransferStats;
  /** Files left in `_outbox` because they were still changing (being uploaded); the next drain takes them. */
  waiting?: string[];
  /** Files that could not be delivered under any name: moved to `.workspace-sync/quarantine/` (`to`). */
  quarantined?: { from: string; to: string; reason: string }[];
}

export interface MailboxCycleRecord extends cycle.FinishedCycle {
  push: PushOutcome | null;
  drain: DrainOutcome | null;
  /** A person's one-way sync remote → local (`sync --direction pull`); absent in older logs. */
  pull?: TransferOutcome | null;
}

/** `bootstrapped`: the remote `_outbox` and local `_inbox` were made since this host started. */
export interface MailboxContext extends SyncContext {
  push: PushOutcome | null;
  drain: DrainOutcome | null;
  /**
   * A person's one-way pull in this cycle. Absent (undefined) otherwise, never null: a context without it is
   * the one logs and checkpoints recorded before it existed, unchanged.
   */
  pull?: TransferOutcome | undefined;
  lastCycle: MailboxCycleRecord | null;
  lastDryRun: MailboxCycleRecord | null;
  arrivalsTotal: number;
}

/** The skeleton's events, and the push's and drain's outcomes (`pushHalted`: a deletion guard held). */
export type MailboxEvent =
  | SyncEvent
  | GuardedStepEvent<"push", PushOutcome>
  | StepEvent<"drain", DrainOutcome>
  | GuardedStepEvent<"pull", TransferOutcome>;

export interface DryRunInput {
  dryRun: boolean;
}
/** A one-way sync: a dry run, or a real run that may be forced past the deletion guards. */
export interface GuardedInput extends DryRunInput {
  force: boolean;
}
/** The push: the whole tree, or (`paths`) only what the watcher saw change. */
export interface PushInput extends GuardedInput {
  paths: string[] | null;
}

/** The mailbox's own effects, under the names the host provides them by, with their input. */
interface MailboxEffects {
  push: PushInput;
  drain: DryRunInput;
  pull: GuardedInput;
}

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

const mailbox = syncCycle<MailboxContext, MailboxEvent, MailboxEffects>({
  actors: { push: inert(), drain: inert(), pull: inert() },
  cleared: { push: null, drain: null, pull: undefined },
  // A cycle that failed before its push went through: the next cycle pushes what it was to push.
  unpushed: (context) => context.push === null,
  pushesChanges: true,
}).extend({
  guards: {
    wantsPush: ({ context }) => context.current !== null && wantsPush(context.current),
    wantsDrain: ({ context }) => context.current !== null && wantsDrain(context.current),
    isOneWayPull: ({ context }) => context.current !== null && isOneWayPull(context.current),
  },
  actions: {
    recordPush: assign(({ context, event }) => {
      assertEvent(event, "pushDone");
      const { stats, changes, changeCount, changedPaths } = event;
      const push: PushOutcome = { stats, changes, changeCount };
      if (changedPaths !== undefined) push.changedPaths = changedPaths;
      // Only a whole push clears a halt: an incremental one never looked at what the guard stopped.
      const incremental = context.current !== null && isIncremental(context.current);
      return { push, stepAt: event.at, ...(incremental ? {} : cycle.clearHalt(context)) };
    }),
    recordDrain: assign(({ event }) => {
      assertEvent(event, "drainDone");
      const { arrivals, renamed, stats, waiting, quarantined } = event;
      const drain: DrainOutcome = { arrivals, renamed, stats };
      if (waiting !== undefined && waiting.length > 0) drain.waiting = waiting;
      if (quarantined !== undefined && quarantined.length > 0) drain.quarantined = quarantined;
      return { drain, stepAt: event.at };
    }),
    recordPull: assign(({ context, event }) => {
      assertEvent(event, "pullDone");
      const { stats, changes, changeCount } = event;
      // The pull looked at the whole synced folder, as the guard does: a halt it went past is cleared.
      return { pull: { stats, changes, changeCount }, stepAt: event.at, ...cycle.clearHalt(context) };
    }),
    finishCycle: assign(({ context }) =>
      finishCycle(
        context,
        {
          push: context.push,
          drain: context.drain,
          ...(context.pull === undefined ? {} : { pull: context.pull }),
        },
        { arrivalsTotal: context.arrivalsTotal + (context.drain?.arrivals.length ?? 0) },
      ),
    ),
  },
});

const chart = syncChart("mailbox");

const pushing = mailbox.createStateConfig({
  invoke: {
    id: "push",
    src: "push",
    input: ({ context }) => ({
      dryRun: context.current?.dryRun ?? false,
      force: context.current?.force === true,
      paths: context.current?.paths ?? null,
    }),
  },
  on: {
    pushHalted: { target: "#mailbox.halted", actions: "recordHalt" },
    pushDone: [
      { guard: "wantsDrain", target: "draining", actions: "recordPush" },
      { target: "done", actions: "recordPush" },
    ],
    pushFailed: chart.onFailure,
  },
});

const draining = mailbox.createStateConfig({
  invoke: {
    id: "drain",
    src: "drain",
    input: ({ context }) => ({ dryRun: context.current?.dryRun ?? false }),
  },
  on: {
    drainDone: { target: "done", actions: "recordDrain" },
    drainFailed: chart.onFailure,
  },
});

/** A person's one-way sync remote → local (`sync --direction pull`): never the mailbox folders, guarded. */
const pulling = mailbox.createStateConfig({
  invoke: {
    id: "pull",
    src: "pull",
    input: ({ context }) => ({
      dryRun: context.current?.dryRun ?? false,
      force: context.current?.force === true,
    }),
  },
  on: {
    pullHalted: { target: "#mailbox.halted", actions: "recordHalt" },
    pullDone: { target: "done", actions: "recordPull" },
    pullFailed: chart.onFailure,
  },
});

export const mailboxMachine = mailbox.createMachine({
  id: "mailbox",
  context: initialMailboxContext,
  initial: "idle",
  on: chart.on,
  states: {
    idle: chart.idle,
    running: chart.running({
      // After the lock (and the bootstrap): a person's one-way pull; else the push, unless only the drain
      // was asked for.
      firstStep: [
        { guard: "isOneWayPull", target: "pulling" },
        { guard: "wantsPush", target: "pushing" },
        { target: "draining" },
      ],
      steps: { pushing, draining, pulling },
    }),
    recovering: chart.recovering,
    failed: chart.failed,
    halted: chart.halted,
  },
});

export type MailboxMachine = typeof mailboxMachine;
