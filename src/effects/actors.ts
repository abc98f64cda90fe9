/**
 * Effects as actors. Each effect is an async function that always resolves to the outcome event
 * the machine expects (success or typed failure, never a rejection); this wraps it as an XState
 * callback actor whose cleanup aborts the work when the machine leaves the state.
 */
import { type EventObject, fromCallback } from "xstate";
import type { FailureReason } from "../../machines/outcomes.js";
import { messageOf } from "../util/errors.js";

export type Effect<TInput, TEvent extends EventObject> = (
  input: TInput,
  signal: AbortSignal,
) => Promise<TEvent>;

/** Remembers effects still running, so a stopping host can wait for their processes to end. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

export function effectActor<TInput, TEvent extends EventObject>(
  run: Effect<TInput, TEvent>,
  onCrash: (reason: FailureReason) => TEvent,
  inFlight?: InFlight,
  /** For a long-lived resource (a lock): called at once when the state is left. The resource orders its
   *  own operations, so a release queued now ends before a later acquire. */
  release?: () => Promise<void>,
) {
  return fromCallback<TEvent, TInput>(({ input, sendBack }) => {
    const controller = new AbortController();
    const work = run(input, controller.signal);
    inFlight?.track(work);
    work
      .catch((error: unknown) => onCrash({ kind: "fatal", message: messageOf(error) }))
      .then((event) => {
        if (!controller.signal.aborted) sendBack(event);
      });
    return () => {
      controller.abort();
      if (!release) return;
      const released = release();
      inFlight?.track(released);
      released.catch(() => undefined); // a lock left behind is judged stale by the next taker
    };
  });
}

/** Waits until an absolute deadline (epoch ms), then reports the time it fired. */
export function deadlineActor<TEvent extends EventObject>(
  fire: (at: number) => TEvent,
  now: () => number = Date.now,
) {
  return fromCallback<TEvent, { at: number }>(({ input, sendBack }) => {
    const timer = setTimeout(() => sendBack(fire(now())), Math.max(0, input.at - now()));
    return () => clearTimeout(timer);
  });
}
