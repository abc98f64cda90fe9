/**
 * What follows a failure, for the host's log: when the retry runs (only where one is scheduled), or that
 * none will. Read from the state and the context the failure led to, for any unit.
 */
import { retryableKinds } from "../../machines/outcomes.js";
import { isOneOf, isRecord } from "../util/json.js";
import { stateName } from "../util/state-name.js";
import { inHowLong, localTime } from "../util/time.js";

const num = (value: unknown): number | null => (typeof value === "number" ? value : null);

/** An event that reports a failed step (`pushFailed`, `lockHeld`, ...). */
function isFailure(type: string): boolean {
  return /Failed$/.test(type) || type === "lockHeld";
}

/**
 * `retry 2 of 5 at 2026-12-02 08:01:10 +01:00 (in 20 s)` after a failure that scheduled a retry;
 * `not retried: ...` after one that did not; null for any other event.
 */
export function retryNote(
  event: { type: string },
  state: unknown,
  context: unknown,
  now: number,
): string | null {
  if (!isFailure(event.type) || !isRecord(context)) return null;
  const name = stateName(state);
  const retryAt = num(context.retryAt);
  if (name === "recovering" && retryAt !== null) {
    const attempt = num(context.attempt);
    const attempts = isRecord(context.retry) ? num(context.retry.attempts) : null;
    const count = attempt !== null && attempts !== null ? ` ${attempt + 1} of ${attempts}` : "";
    return `retry${count} at ${localTime(retryAt)} (${inHowLong(retryAt, now)})`;
  }
  if (name === "failed") {
    const nextDueAt = num(context.nextDueAt);
    // A backup's schedule tries again at its next due time; a sync waits for the next trigger.
    if (nextDueAt !== null) return `not retried; the schedule tries again at ${localTime(nextDueAt)}`;
    const error = isRecord(context.lastError) ? context.lastError : null;
    const retryable = error !== null && isOneOf(retryableKinds, String(error.kind));
    const why = retryable ? "every attempt is used" : "retrying would not help";
    return `not retried (${why}); the next sync request runs it again`;
  }
  return null;
}
