/**
 * The skeleton every sync statechart shares (mailbox, mirror, bisync), as an XState setup a mode extends.
 *
 * A cycle serves a request: it takes the workspace's cycle lock (`holdLock`, held for the whole of
 * `running`), makes the folders the mode needs on the first cycle of each host (`bootstrap`), runs the
 * mode's steps, and finishes. A failure is retried with backoff (`recovering`, which waits with
 * `waitUntil`) or lands in `failed`; a deletion guard lands the cycle in `halted`. Requests that arrive
 * meanwhile coalesce into one follow-up cycle.
 *
 * Here are the events, the context, the guards and the actions of that skeleton; its states are in
 * `sync-chart.ts`, the reducers it uses in `cycle.ts`. A mode calls `syncCycle` with its effects and the step
 * outcomes a fresh attempt clears, then adds its own guards and actions with `extend`.
 */
import { assertEvent, assign, type CallbackActorLogic, type EventObject, setup } from "xstate";
import * as cycle from "./cycle.js";
import { type At, type DeadlineInput, type HostStarted, type HostStopped, inert } from "./host.js";
import { type FailureReason, failureOf, type Halt, type RetryPolicy } from "./outcomes.js";
import {
  type ChangesSeenInput,
  changesRequest,
  type SyncRequest,
  type SyncRequestInput,
  toRequest,
} from "./requests.js";

export interface SyncContext extends cycle.CycleState {
  /** The folders the mode needs were made since this host started (again after a not-found). */
  bootstrapped: boolean;
  /** The rclone the current host runs (`rclone version`'s first line), for status and capability gates. */
  rclone: string | null;
  /** When the last step of the cycle finished (epoch ms): done events carry no time of their own. */
  stepAt: number | null;
}

/** The events of the skeleton; `THostSettings` is what else a mode takes from `hostStarted`. */
export type SyncEvent<THostSettings = unknown> =
  | HostStarted<{ retry?: RetryPolicy } & THostSettings>
  | HostStopped
  | ({ type: "syncRequested" } & SyncRequestInput & At)
  | ({ type: "changesSeen" } & ChangesSeenInput & At)
  | ({ type: "lockAcquired" } & At)
  | ({ type: "lockHeld"; error: FailureReason } & At)
  | ({ type: "bootstrapDone" } & At)
  | ({ type: "bootstrapFailed"; error: FailureReason } & At)
  | ({ type: "retryDue" } & At);

/** The outcome events of a mode's step `TStep`: `<step>Done` with its outcome, `<step>Failed` with why. */
export type StepEvent<TStep extends string, TOutcome> =
  | ({ type: `${TStep}Done` } & TOutcome & At)
  | ({ type: `${TStep}Failed`; error: FailureReason } & At);

/** A step behind the deletion guards also answers `<step>Halted`: it stopped before deleting anything. */
export type GuardedStepEvent<TStep extends string, TOutcome> =
  | StepEvent<TStep, TOutcome>
  | ({ type: `${TStep}Halted`; halt: Halt } & At);

/** Any sync machine's event: the skeleton's, or a step's outcome. */
export type AnySyncEvent = SyncEvent | GuardedStepEvent<string, object>;

/** What a mode brings to the skeleton. */
export interface SyncMode<TContext, TEvent extends EventObject, TEffects> {
  /** The mode's own effects, as placeholders taking their input: the host provides them by these names. */
  actors: { [K in keyof TEffects]: CallbackActorLogic<TEvent, TEffects[K]> };
  /** What a fresh attempt starts without: the outcomes of the mode's steps. */
  cleared: Partial<TContext>;
  /** What the mode takes from `hostStarted` besides the retry policy and the rclone. */
  settings?: (event: TEvent) => Partial<TContext>;
  /** Changes the watcher saw are pushed alone (mailbox); otherwise they start the mode's whole cycle. */
  pushesChanges?: boolean;
  /**
   * Whether the cycle that failed left its push undone (mailbox): the next cycle then pushes that too, so a
   * change the watcher saw is never dropped with the failed cycle. Absent: the next cycle is the one asked.
   */
  unpushed?: (context: TContext) => boolean;
}

/** Refuses (as a missing property) a mode context that narrows a field of SyncContext: `own` relies on it. */
type KeepsSyncFields<TContext> =
  Partial<SyncContext> extends Partial<TContext> ? unknown : { contextKeepsSyncContextFields: never };

/**
 * A change of the skeleton's fields, as a change of the mode's context. TypeScript cannot relate
 * `Partial<SyncContext>` to `Partial<TContext>` for a generic `TContext`; every mode's context extends
 * SyncContext and keeps those fields' types (`syncCycle` refuses one that does not), so this holds.
 */
function own<TContext extends SyncContext>(change: Partial<SyncContext>): Partial<TContext> {
  // The one cast of the skeleton, for the reason above.
  return change as Partial<TContext>;
}

/** The setup of a sync statechart: the skeleton's effects, guards and actions, and the mode's effects. */
export function syncCycle<TContext extends SyncContext, TEvent extends AnySyncEvent, TEffects extends object>(
  mode: SyncMode<TContext, TEvent, TEffects> & KeepsSyncFields<TContext>,
) {
  const { cleared } = mode;
  const requestOf = (event: AnySyncEvent) => requestFor(event, mode.pushesChanges === true);
  // Carries the mode's types into `setup`, which reads nothing from it at run time (every field is optional).
  const types: { context?: TContext; events?: TEvent } = {};
  const actors = {
    holdLock: inert<TEvent, undefined>(),
    bootstrap: inert<TEvent, undefined>(),
    ...mode.actors,
    waitUntil: inert<TEvent, DeadlineInput>(),
  };
  return setup({ types, actors }).extend({
    guards: {
      // A dry run makes nothing, so it never bootstraps.
      needsBootstrap: ({ context }) => !context.bootstrapped && context.current?.dryRun !== true,
      canRetry: ({ context, event }) => cycle.canRetry(context, failureOf(event)),
      hasPending: ({ context }) => context.pending !== null,
      isHalted: ({ context }) => cycle.isHalted(context),
    },
    actions: {
      applySettings: assign(({ event }) => ({
        ...own<TContext>(hostSettings(event)),
        ...mode.settings?.(event),
      })),
      beginCycle: assign(({ context, event }) => ({
        ...own<TContext>(cycle.beginCycle(context, requestOf(event), event.at)),
        ...cleared,
      })),
      beginAfterFailure: assign(({ context, event }) => ({
        ...own<TContext>(
          mode.unpushed?.(context) === true
            ? cycle.beginAfterFailure(context, requestOf(event), event.at)
            : cycle.beginCycle(context, requestOf(event), event.at),
        ),
        ...cleared,
      })),
      queueRequest: assign(({ context, event }) =>
        own<TContext>(cycle.queueRequest(context, requestOf(event))),
      ),
      restartCycle: assign(({ event }) => ({ ...cleared, ...own<TContext>({ startedAt: event.at }) })),
      beginRetry: assign(({ context, event }) => ({
        ...own<TContext>(cycle.beginRetry(context, event.at)),
        ...cleared,
      })),
      markBootstrapped: assign(() => own<TContext>({ bootstrapped: true })),
      recordHalt: assign(({ context, event }) =>
        own<TContext>({ ...cycle.recordHalt(context, haltOf(event)), stepAt: event.at }),
      ),
      recordFailure: assign(({ context, event }) =>
        own<TContext>(failed(context, failureOf(event), event.at)),
      ),
      scheduleRetry: assign(({ context, event }) => own<TContext>(cycle.scheduleRetry(context, event.at))),
      startPending: assign(({ context }) => ({
        ...own<TContext>(cycle.startPending(context, context.stepAt ?? context.startedAt ?? 0)),
        ...cleared,
      })),
    },
  });
}

/** What every mode takes from `hostStarted`. */
function hostSettings(event: AnySyncEvent): Partial<SyncContext> {
  assertEvent(event, "hostStarted");
  return {
    // Every host start makes the mode's folders again on its first cycle: someone may have removed them.
    bootstrapped: false,
    ...(event.retry ? { retry: event.retry } : {}),
    ...(event.rclone ? { rclone: event.rclone } : {}),
  };
}

/** The request a `syncRequested` or a `changesSeen` event makes. */
function requestFor(event: AnySyncEvent, pushesChanges: boolean): SyncRequest {
  assertEvent(event, ["syncRequested", "changesSeen"]);
  return event.type === "changesSeen" ? changesRequest(event, pushesChanges) : toRequest(event);
}

/** The halt a `<step>Halted` event carries (`recordHalt` runs on nothing else). */
function haltOf(event: AnySyncEvent): Halt {
  if ("halt" in event) return event.halt;
  throw new Error(`Expected a <step>Halted event, got ${event.type}`);
}

function failed(context: SyncContext, error: FailureReason, at: number): Partial<SyncContext> {
  return {
    ...cycle.recordFailure(context, error, at),
    // A missing folder is made again before the next try.
    bootstrapped: error.kind === "not-found" ? false : context.bootstrapped,
  };
}

/**
 * A cycle that went through, with its record (`steps`: what the record keeps of the steps' outcomes): the
 * last dry run (a dry run counts nothing), or the last cycle, with what it adds to the mode's totals.
 */
export function finishCycle<TSteps extends object, TTally extends object = object>(
  context: SyncContext,
  steps: TSteps,
  tally?: TTally,
) {
  const base = cycle.finishedCycle(context, context.stepAt);
  const record = base && { ...base, ...steps };
  if (record?.request.dryRun)
    return { ...cycle.cycleSucceeded(context), lastDryRun: record, totals: context.totals };
  // A real cycle went through: the failures before it are no longer "in a row".
  return { ...cycle.cycleSucceeded(context), lastCycle: record, failedInARow: null, ...tally };
}
