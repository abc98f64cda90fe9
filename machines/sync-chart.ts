/**
 * The states every sync statechart shares, as pieces each mode's chart is built from:
 *
 * - `idle`, `failed` and `halted` start a cycle when a sync is requested (from `failed`, one that also pushes
 *   what the failed cycle was to push);
 * - `running` holds the cycle lock: `locking`, then `bootstrapping` on the first cycle of a host, then the
 *   mode's steps from its first one, then `done`; requests meanwhile are queued for one follow-up cycle;
 * - a step that fails goes to `recovering` (retried with backoff) or `failed` (`onFailure`); a deletion
 *   guard sends it to `halted`;
 * - when `running` is done, a queued request starts the next cycle at once; else the machine rests in
 *   `halted` while a halt stands, or `idle`.
 *
 * They name the skeleton's guards, actions and effects (`sync-cycle.ts`) and the mode's `finishCycle`; the
 * mode's `createMachine` checks every name.
 */
import type { SyncContext } from "./sync-cycle.js";

/** Where a cycle goes after the lock (and the bootstrap): the mode's first step for this request. */
export interface FirstStep {
  guard?: string;
  target: string;
}

/** What starts a cycle where none runs. */
const startsCycle = <const TAction extends string>(action: TAction) =>
  ({
    on: {
      syncRequested: { target: "running", actions: action },
      // What the host's watcher saw: a cycle for those changes (the mode says which).
      changesSeen: { target: "running", actions: action },
    },
  }) as const;

/** The shared pieces of the statechart whose id is `id` (the id the `#id.state` targets use). */
export function syncChart<const TId extends string>(id: TId) {
  /** A step failed: tried again with backoff while the failure is retryable and tries remain, else `failed`. */
  const onFailure = [
    { guard: "canRetry", target: `#${id}.recovering`, actions: ["recordFailure", "scheduleRetry"] },
    { target: `#${id}.failed`, actions: "recordFailure" },
  ] as const;

  /** `running`, around the mode's steps; `resting` are where a finished cycle may rest before `halted`. */
  function running<
    const TFirst extends FirstStep,
    const TSteps extends object,
    const TResting extends readonly object[] = readonly [],
  >(mode: { firstStep: readonly TFirst[]; steps: TSteps; resting?: TResting }) {
    return {
      invoke: { id: "cycleLock", src: "holdLock" },
      initial: "locking",
      on: {
        syncRequested: { actions: "queueRequest" },
        changesSeen: { actions: "queueRequest" },
        // The host died mid-cycle: run the cycle again from the lock. Every step is safe to repeat.
        hostStarted: { target: "running", reenter: true, actions: ["applySettings", "restartCycle"] },
      },
      states: {
        locking: {
          on: {
            lockAcquired: [{ guard: "needsBootstrap", target: "bootstrapping" }, ...mode.firstStep],
            lockHeld: onFailure,
          },
        },
        bootstrapping: {
          invoke: { id: "bootstrap", src: "bootstrap" },
          on: {
            bootstrapDone: mode.firstStep.map((step) => ({ ...step, actions: "markBootstrapped" as const })),
            bootstrapFailed: onFailure,
          },
        },
        ...mode.steps,
        done: { type: "final" },
      },
      onDone: [
        { guard: "hasPending", target: "running", reenter: true, actions: ["finishCycle", "startPending"] },
        ...(mode.resting ?? []),
        // A cycle that synced nothing one-way (a dry run; the mailbox's drain alone) leaves a halt in place.
        { guard: "isHalted", target: "halted", actions: "finishCycle" },
        { target: "idle", actions: "finishCycle" },
      ],
    } as const;
  }

  return {
    onFailure,
    /** The machine's own transitions: they apply in every state that does not handle the event itself. */
    on: {
      hostStarted: { actions: "applySettings" },
      // Recorded so the log shows the stop; what was running starts again with the next host.
      hostStopped: {},
    },
    idle: startsCycle("beginCycle"),
    running,
    recovering: {
      invoke: {
        id: "retryTimer",
        src: "waitUntil",
        input: ({ context }: { context: SyncContext }) => ({ at: context.retryAt ?? 0 }),
      },
      on: {
        retryDue: { target: "running", actions: "beginRetry" },
        // Asked again while waiting: try now, serving everything asked so far.
        syncRequested: { target: "running", actions: ["queueRequest", "beginRetry"] },
        // Changes wait for the retry: it serves them too.
        changesSeen: { actions: "queueRequest" },
      },
    },
    // The next cycle also pushes what the failed one was to push (`beginAfterFailure`).
    failed: startsCycle("beginAfterFailure"),
    // A deletion guard (or bisync's own safety check) stopped the cycle before it deleted anything: the
    // next cycle checks again (a changed workspace passes), and a forced one goes through.
    halted: startsCycle("beginCycle"),
  } as const;
}
