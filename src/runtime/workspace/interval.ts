/**
 * The interval timer's deadline, as a pure function of the persisted state: it survives a restart
 * because the state it is computed from is rebuilt from the event log.
 *
 * The next timer cycle is due `interval` after the last cycle began or ended, whichever is later (a
 * cycle that failed keeps its start time in `startedAt`; a finished one records `finishedAt`). A host
 * that was down for several intervals finds one overdue deadline, and runs it once. Nothing is due while
 * a cycle runs or waits to retry: the deadline is computed again when it ends. A workspace that never
 * synced is due at once.
 */

import { fieldOf } from "../../util/json.js";

/** The smallest interval the host accepts, in seconds; smaller values are raised to it with a warning. */
export const minIntervalSeconds = 60;

/**
 * The full cycle's period while watching when neither `fullSyncInterval` nor `interval` sets one: the
 * watcher can miss changes without saying so (on Linux, @parcel/watcher drops inotify's queue overflow
 * silently), so a watching host never goes without a full cycle for longer than this. As Syncthing's
 * rescan while it watches. `fullSyncInterval: 0` turns it off.
 */
export const watchSafetyNetSeconds = 3600;

/**
 * The seconds between a long-lived host's timed cycles: while it watches (every mode but mirror, `watch` on),
 * `fullSyncInterval` when set, else `interval`, else the hourly safety net. Status and the live page count
 * with the same.
 */
export function timerSeconds(sync: {
  interval: number;
  fullSyncInterval?: number | undefined;
  watch: boolean;
  mode: string;
}): number {
  const watching = sync.watch && sync.mode !== "mirror";
  if (!watching) return sync.interval;
  return sync.fullSyncInterval ?? (sync.interval > 0 ? sync.interval : watchSafetyNetSeconds);
}

/** `interval` in milliseconds (0 = no timer), raised to the minimum with a warning. */
export function effectiveInterval(seconds: number, warn: (message: string) => void): number {
  if (seconds <= 0) return 0;
  if (seconds < minIntervalSeconds) {
    warn(`\`interval\`: ${seconds} s is below the minimum; using ${minIntervalSeconds} s`);
    return minIntervalSeconds * 1000;
  }
  return seconds * 1000;
}

/** The fields of a sync context the deadline is computed from (every sync mode's context has them). */
export interface TimerAnchors {
  startedAt?: number | null;
  lastCycle?: { startedAt?: number; finishedAt?: number } | null;
}

function anchorsOf(context: unknown): TimerAnchors {
  const time = (value: unknown) => (typeof value === "number" ? value : undefined);
  const last = fieldOf(context, "lastCycle");
  const startedAt = fieldOf(context, "startedAt");
  return {
    startedAt: typeof startedAt === "number" ? startedAt : null,
    lastCycle:
      last !== null && typeof last === "object"
        ? { startedAt: time(fieldOf(last, "startedAt")), finishedAt: time(fieldOf(last, "finishedAt")) }
        : null,
  };
}

/**
 * When the timer should fire next (epoch ms), or null when no timer cycle is due (no interval, or busy).
 * `busy`: a cycle is running or waiting to retry.
 */
export function nextTimerDeadline(context: unknown, busy: boolean, intervalMs: number): number | null {
  if (intervalMs <= 0 || busy) return null;
  const anchors = anchorsOf(context);
  const last = Math.max(
    anchors.lastCycle?.finishedAt ?? 0,
    anchors.lastCycle?.startedAt ?? 0,
    anchors.startedAt ?? 0,
  );
  return last === 0 ? 0 : last + intervalMs;
}

/** Top-level states in which a sync unit is between cycles. */
const restingStates = ["idle", "failed"];

export function isBusy(value: unknown): boolean {
  return !(typeof value === "string" && restingStates.includes(value));
}
