/** When the next timed cycle is due, from `interval` and the last cycle (pure but for the command name it prints). */
import { minIntervalSeconds } from "../runtime/workspace/interval.js";
import { runnable } from "../util/command.js";

export interface NextRun {
  /** ISO time, or null when there is no timer or nothing to count from. */
  at: string | null;
  note: string;
}

export function nextRunOf(input: {
  interval: number;
  lastFinishedAt: string | null;
  retryAt: string | null;
  hostRunning: boolean;
  now: number;
}): NextRun {
  if (input.retryAt !== null) {
    return input.hostRunning
      ? { at: input.retryAt, note: "a retry of the failed cycle" }
      : {
          at: input.retryAt,
          note: `a retry of the failed cycle, once a host runs; now: ${runnable("sync")} (or start the daemon)`,
        };
  }
  if (input.interval <= 0)
    return { at: null, note: "no timer (`interval` 0): sync runs when asked or on session hooks" };
  // The host raises an interval below the minimum, so status counts with what the host will use.
  const seconds = Math.max(input.interval, minIntervalSeconds);
  const raised =
    seconds === input.interval ? "" : `; \`interval\` ${input.interval} s raised to the minimum ${seconds} s`;
  const every = `every ${seconds} s${raised}`;
  const when = input.hostRunning ? "" : ", while the gateway (or a daemon) runs";
  if (input.lastFinishedAt === null)
    return { at: null, note: `first timed cycle when the host starts (${every}${when})` };
  const due = Math.max(Date.parse(input.lastFinishedAt) + seconds * 1000, input.now);
  return { at: new Date(due).toISOString(), note: `${every}${when}` };
}
