/** Mailbox mode: push the workspace up, drain the remote `_outbox` into `_inbox`. */
import { type MailboxMachine, mailboxMachine } from "../../../machines/mailbox.js";
import { stepLines } from "../steps.js";
import type { Mode } from "../types.js";
import { mailboxEffects } from "./effects.js";

const names = (arrivals: readonly unknown[]) =>
  `${arrivals.length} arrived${arrivals.length ? `: ${arrivals.slice(0, 5).join(", ")}` : ""}`;

export const mailboxMode: Mode<MailboxMachine> = {
  name: "mailbox",
  machine: mailboxMachine,
  syncContext: (context) => context,
  build: (kit) => ({ machine: mailboxMachine.provide({ actors: mailboxEffects(kit) }), started: {} }),
  cycleLines(cycle) {
    const dry = cycle.request.dryRun;
    const lines = stepLines("push", cycle.push, dry);
    if (cycle.drain) {
      lines.push(`drain  ${cycle.drain.arrivals.length} ${dry ? "would arrive" : "arrived"} in _inbox`);
      for (const name of cycle.drain.arrivals) lines.push(`  ${name}`);
      for (const r of cycle.drain.renamed) lines.push(`  (${r.from} was taken: kept as ${r.to})`);
    }
    return lines;
  },
  lastCycleLines: (cycle) => (cycle.drain ? [`  drain    ${names(cycle.drain.arrivals)}`] : []),
  conflicts: () => [],
  resyncNeeded: () => null,
  totals: (context) => ({ arrivals: context.arrivalsTotal, conflicts: 0 }),
  arrivals(event, context) {
    if (event.type !== "drainDone" || event.arrivals.length === 0) return [];
    const last = context.lastCycle;
    // A dry run's drain lists what would arrive: it is recorded as `lastDryRun`, never as `lastCycle`.
    if (!last || last.finishedAt !== event.at || last.request.dryRun) return [];
    return event.arrivals;
  },
  eventDetail(event) {
    const drained = event.type === "pushDone" || event.type === "drainDone";
    return drained && Array.isArray(event.arrivals) ? names(event.arrivals) : null;
  },
};
