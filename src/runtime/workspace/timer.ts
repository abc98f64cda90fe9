/**
 * The interval timer of one unit: armed from the unit's state after every event it processes, so it
 * never runs while a cycle does, and its deadline comes from the persisted state (see `interval.ts`).
 */
import type { TriggerSource } from "../../../machines/requests.js";
import { isBusy, nextTimerDeadline } from "./interval.js";

/** setTimeout fires at once past 2^31-1 ms: longer waits are taken in steps. */
const maxTimerMs = 2_147_483_647;

export interface IntervalTimerOptions {
  intervalMs: number;
  now: () => number;
  /** Send the timer's trigger. `startup` for a deadline that was already overdue when the host started. */
  fire: (source: Extract<TriggerSource, "timer" | "startup">) => void;
}

export class IntervalTimer {
  #timer: NodeJS.Timeout | undefined;
  #deadline: number | null = null;
  #stopped = false;
  /** Until the first fire: whether the deadline was overdue when the host started. */
  #overdueAtStart: boolean | null = null;

  constructor(private readonly options: IntervalTimerOptions) {}

  /** The deadline now armed (epoch ms), or null. */
  get deadline(): number | null {
    return this.#deadline;
  }

  /** Re-arm from the unit's current state. */
  update(value: unknown, context: unknown): void {
    if (this.#stopped) return;
    const deadline = nextTimerDeadline(context, isBusy(value), this.options.intervalMs);
    this.#overdueAtStart ??= deadline !== null && deadline <= this.options.now();
    if (deadline === this.#deadline && (deadline === null || this.#timer !== undefined)) return;
    this.#clear();
    this.#deadline = deadline;
    if (deadline !== null) this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #arm(): void {
    const deadline = this.#deadline;
    if (deadline === null) return;
    const wait = Math.min(Math.max(0, deadline - this.options.now()), maxTimerMs);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#stopped || this.#deadline !== deadline) return;
      if (this.options.now() < deadline) {
        this.#arm();
        return;
      }
      this.#deadline = null;
      const source = this.#overdueAtStart ? "startup" : "timer";
      this.#overdueAtStart = false;
      this.options.fire(source);
    }, wait);
    this.#timer.unref?.();
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
