/** Effects every mode shares: the workspace's cycle lock as an actor, and the retry timer. */
import type { EventObject } from "xstate";
import type { FailureReason } from "../../machines/outcomes.js";
import { deadlineActor, effectActor, type InFlight } from "./actors.js";
import type { CycleLock } from "./cycle-lock.js";

/** The events every mode's machine takes from the shared effects. */
export interface SharedEvents<TEvent extends EventObject> {
  lockAcquired: (at: number) => TEvent;
  lockHeld: (at: number, error: FailureReason) => TEvent;
  retryDue: (at: number) => TEvent;
}

export function lockActor<TEvent extends EventObject>(
  lock: CycleLock,
  now: () => number,
  inFlight: InFlight,
  events: SharedEvents<TEvent>,
) {
  const hold = async (): Promise<TEvent> => {
    const result = await lock.acquire();
    if (result.acquired) return events.lockAcquired(now());
    return events.lockHeld(now(), {
      kind: "lock-held",
      message: result.description,
      hint: "wait for that cycle to end",
    });
  };
  return effectActor<undefined, TEvent>(
    hold,
    (error) => events.lockHeld(now(), error),
    inFlight,
    () => lock.release(),
  );
}

export function retryTimer<TEvent extends EventObject>(now: () => number, events: SharedEvents<TEvent>) {
  return deadlineActor<TEvent>((at) => events.retryDue(at), now);
}

export function failure(error: unknown): FailureReason {
  return { kind: "fatal", message: error instanceof Error ? error.message : String(error) };
}
