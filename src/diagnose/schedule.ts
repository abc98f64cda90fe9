/** When the next timed cycle is due, from `interval` and the last cycle (pure). */
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
  if (input.retryAt !== null) return { at: input.retryAt, note: "a retry of the failed cycle" };
  if (input.interval === 0)
    return { at: null, note: "no timer (`interval` 0): sync runs when asked or on session hooks" };
  const every = `every ${input.interval} s`;
  const when = input.hostRunning ? "" : ", while the gateway (or a daemon) runs";
  if (input.lastFinishedAt === null)
    return { at: null, note: `first timed cycle when the host starts (${every}${when})` };
  const due = Math.max(Date.parse(input.lastFinishedAt) + input.interval * 1000, input.now);
  return { at: new Date(due).toISOString(), note: `${every}${when}` };
}
