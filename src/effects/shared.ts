/** Effects every mode shares: the workspace's cycle lock as an actor, and the retry timer. */
import type { EventObject } from "xstate";
import type { FailureReason } from "../../machines/outcomes.js";
import { errnoOf } from "../util/errors.js";
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

/** Local write errors a person can fix while the cycle waits (free space, remount): retried, never fatal. */
const localWriteErrors: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the local disk",
  EDQUOT: "the local disk quota is used up",
  EROFS: "the local file system is read-only",
};

/** A thrown error as a typed failure: disk full and the like are `retryable` with the fix, the rest `fatal`. */
export function failure(error: unknown, needBytes?: number): FailureReason {
  const message = error instanceof Error ? error.message : String(error);
  const what = localWriteErrors[errnoOf(error) ?? ""];
  if (what === undefined) return { kind: "fatal", message };
  const room = needBytes ? ` (about ${Math.ceil(needBytes / 1_048_576)} MiB are needed)` : "";
  return {
    kind: "retryable",
    message: `${what}: ${message}`,
    hint: `Free space (or remount read-write) where the workspace is${room}; it is retried, and nothing partial is delivered.`,
  };
}

/** Whether a thrown error is one of the local write errors {@link failure} calls retryable. */
export function isLocalWriteError(error: unknown): boolean {
  return localWriteErrors[errnoOf(error) ?? ""] !== undefined;
}
