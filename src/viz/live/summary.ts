/**
 * The plain summary at the top of the live page, for people who do not read statecharts: when the last
 * sync ran and how long it took, when the next one runs, and what is wrong with its fix. Built from the
 * same report `status` prints (`buildStatus`), over the state the page shows.
 */

import type { Scope } from "../../runtime/scope.js";
import { effectiveInterval, isBusy, nextTimerDeadline } from "../../runtime/workspace/interval.js";
import { buildStatus } from "../../runtime/workspace/status.js";
import { haltLine } from "../../util/text.js";
import type { LiveSnapshot } from "./source.js";

export interface LiveSummary {
  /** A cycle runs now (or waits to retry): the page shows transfer progress while it does. */
  busy: boolean;
  /** The last real sync: when it ended (ISO) and how long it took; null before the first one. */
  lastSync: { at: string | null; tookMs: number } | null;
  /** When the next sync runs, in words, and the time it is due (ISO) when a timer is set. */
  nextRun: { text: string; at: string | null };
  /** What is wrong and how to fix it; null when nothing is. */
  problem: { what: string; fix: string | null } | null;
}

export type Summarize = (snapshot: LiveSnapshot) => Promise<LiveSummary>;

/** What is wrong, from the report `status` prints. */
function problemOf(report: Awaited<ReturnType<typeof buildStatus>>): LiveSummary["problem"] {
  if (report.halt)
    return { what: `Halted, nothing was deleted: ${haltLine(report.halt)}`, fix: report.halt.hint };
  if (report.resyncNeeded)
    return {
      what: `Needs a resync: ${report.resyncNeeded.message}`,
      fix: `run ${report.resyncNeeded.command}`,
    };
  if (report.lastError) {
    const retry = report.retryAt
      ? `it retries by itself at ${report.retryAt}; if it keeps failing, fix the cause above and run sync again`
      : "fix the cause above, then run sync again (the next timer run tries again too)";
    return {
      what: `${report.lastError.message} (${report.lastError.kind})`,
      fix: report.lastError.hint ?? retry,
    };
  }
  return null;
}

/** The summary of a workspace's state; `intervalSeconds` is the config's `interval`. */
export function summarizer(scope: Scope): Summarize {
  const intervalMs = effectiveInterval(scope.loaded.sync.interval, () => undefined);
  return async (snapshot) => {
    const report = await buildStatus(scope, { value: snapshot.value, context: snapshot.context });
    const busy = isBusy(snapshot.value);
    const last = report.lastCycle;
    const deadline = nextTimerDeadline(snapshot.context, busy, intervalMs);
    let nextRun: LiveSummary["nextRun"];
    if (busy && report.retryAt)
      nextRun = { text: `a retry (attempt ${report.attempt + 1})`, at: report.retryAt };
    else if (busy) nextRun = { text: "running now", at: null };
    else if (intervalMs === 0)
      nextRun = { text: "no timer: on request (sync, /sync) and session hooks as configured", at: null };
    else if (report.host === null)
      nextRun = { text: "no host runs, so no timer: start `workspace-sync daemon` or the gateway", at: null };
    else if (deadline === null || deadline === 0) nextRun = { text: "due now", at: null };
    else nextRun = { text: "by the interval timer", at: new Date(deadline).toISOString() };
    return {
      busy,
      lastSync: last && !last.dryRun ? { at: last.finishedAt, tookMs: last.durationMs } : null,
      nextRun,
      problem: problemOf(report),
    };
  };
}
