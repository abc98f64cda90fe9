/**
 * The mirror statechart: the workspace follows the remote. Each cycle is a one-way `rclone sync`
 * remote → local (`pulling`); with `ingest` on, the same cycle first copies the local ingest folder
 * up, additively (`ingesting`), and the pull never touches that folder. `--direction push` is a
 * one-shot one-way sync local → remote instead (`pushing`). Both syncs sit behind the deletion guards:
 * a guard that holds moves the machine to `halted` before anything is deleted.
 *
 * The cycle around the steps is the sync-cycle skeleton (`sync-cycle.ts`, `sync-chart.ts`). Pure, like
 * the mailbox machine: effects are placeholder actors the host provides; every outcome is a typed event
 * carrying `at`.
 */
import { assertEvent, assign } from "xstate";
import * as cycle from "./cycle.js";
import { inert } from "./host.js";
import type { TransferOutcome } from "./outcomes.js";
import { syncChart } from "./sync-chart.js";
import {
  finishCycle,
  type GuardedStepEvent,
  type StepEvent,
  type SyncContext,
  type SyncEvent,
  syncCycle,
} from "./sync-cycle.js";

export interface MirrorCycleRecord extends cycle.FinishedCycle {
  /** The ingest folder's copy up (null when ingest is off or not part of this cycle). */
  ingest: TransferOutcome | null;
  /** The mirror pull, remote → local. */
  pull: TransferOutcome | null;
  /** A one-shot push (`--direction push`), local → remote. */
  push: TransferOutcome | null;
}

/** `bootstrapped`: the local folders (synced folder, ingest folder) were made since this host started. */
export interface MirrorContext extends SyncContext {
  /** `ingest: true` in the config, as the last `hostStarted` said. */
  ingestEnabled: boolean;
  ingest: TransferOutcome | null;
  pull: TransferOutcome | null;
  push: TransferOutcome | null;
  lastCycle: MirrorCycleRecord | null;
  lastDryRun: MirrorCycleRecord | null;
}

/** The skeleton's events (`hostStarted` carries the config's `ingest`), and the three steps' outcomes. */
export type MirrorEvent =
  | SyncEvent<{ ingest?: boolean }>
  | StepEvent<"ingest", TransferOutcome>
  | GuardedStepEvent<"pull", TransferOutcome>
  | GuardedStepEvent<"push", TransferOutcome>;

export interface MirrorStepInput {
  dryRun: boolean;
  force: boolean;
  /** A person's one-way sync (`sync --direction`): it leaves the mailbox folders alone. Absent: false. */
  oneWay?: boolean;
}

/** The mirror's own effects, under the names the host provides them by, with their input. */
interface MirrorEffects {
  ingest: MirrorStepInput;
  pull: MirrorStepInput;
  push: MirrorStepInput;
}

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

const mirror = syncCycle<MirrorContext, MirrorEvent, MirrorEffects>({
  actors: { ingest: inert(), pull: inert(), push: inert() },
  cleared: { ingest: null, pull: null, push: null },
  settings: (event) => {
    assertEvent(event, "hostStarted");
    return event.ingest === undefined ? {} : { ingestEnabled: event.ingest };
  },
}).extend({
  guards: {
    isPush: ({ context }) => context.current?.direction === "push",
    wantsIngest: ({ context }) => context.ingestEnabled && context.current?.direction === "both",
  },
  actions: {
    recordStep: assign(({ context, event }) => {
      assertEvent(event, ["ingestDone", "pullDone", "pushDone"]);
      const outcome = {
        stats: event.stats,
        changes: event.changes,
        changeCount: event.changeCount,
        ...(event.note === undefined ? {} : { note: event.note }),
      };
      // The additive ingest copy leaves an earlier halt in place; a one-way sync that went through clears it.
      if (event.type === "ingestDone") return { ingest: outcome, stepAt: event.at };
      const synced = { stepAt: event.at, ...cycle.clearHalt(context) };
      return event.type === "pullDone" ? { pull: outcome, ...synced } : { push: outcome, ...synced };
    }),
    finishCycle: assign(({ context }) =>
      finishCycle(context, { ingest: context.ingest, pull: context.pull, push: context.push }),
    ),
  },
});

const chart = syncChart("mirror");

const stepInput = ({ context }: { context: MirrorContext }): MirrorStepInput => ({
  dryRun: context.current?.dryRun ?? false,
  force: context.current?.force === true,
  ...(context.current?.oneWay === true ? { oneWay: true } : {}),
});

const ingesting = mirror.createStateConfig({
  invoke: { id: "ingest", src: "ingest", input: stepInput },
  on: {
    ingestDone: { target: "pulling", actions: "recordStep" },
    ingestFailed: chart.onFailure,
  },
});

const pulling = mirror.createStateConfig({
  invoke: { id: "pull", src: "pull", input: stepInput },
  on: {
    pullDone: { target: "done", actions: "recordStep" },
    pullHalted: { target: "#mirror.halted", actions: "recordHalt" },
    pullFailed: chart.onFailure,
  },
});

const pushing = mirror.createStateConfig({
  invoke: { id: "push", src: "push", input: stepInput },
  on: {
    pushDone: { target: "done", actions: "recordStep" },
    pushHalted: { target: "#mirror.halted", actions: "recordHalt" },
    pushFailed: chart.onFailure,
  },
});

export const mirrorMachine = mirror.createMachine({
  id: "mirror",
  context: initialMirrorContext,
  initial: "idle",
  on: chart.on,
  states: {
    idle: chart.idle,
    running: chart.running({
      // After the lock (and the bootstrap): a one-shot push; else the ingest copy when it is on and the
      // request is a whole cycle; else the pull.
      firstStep: [
        { guard: "isPush", target: "pushing" },
        { guard: "wantsIngest", target: "ingesting" },
        { target: "pulling" },
      ],
      steps: { ingesting, pulling, pushing },
    }),
    recovering: chart.recovering,
    failed: chart.failed,
    halted: chart.halted,
  },
});

export type MirrorMachine = typeof mirrorMachine;
