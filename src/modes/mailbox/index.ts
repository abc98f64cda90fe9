/** Mailbox mode: push the workspace up, drain the remote `_outbox` into `_inbox`. */
import { type DrainOutcome, type MailboxMachine, mailboxMachine } from "../../../machines/mailbox.js";
import { statsLine, statsOf } from "../../util/text.js";
import { stepLines } from "../steps.js";
import type { Mode } from "../types.js";
import { mailboxEffects, outboxHasFiles } from "./effects.js";

const names = (arrivals: readonly unknown[], dryRun = false) =>
  `${arrivals.length} ${dryRun ? "would arrive" : "arrived"}${arrivals.length ? `: ${arrivals.slice(0, 5).join(", ")}` : ""}`;

function renameLines(drain: DrainOutcome): string[] {
  return drain.renamed.map((r) =>
    r.why === "unsafe-name"
      ? `  (${r.from} cannot be written as it is: kept as ${r.to})`
      : `  (${r.from} was taken: kept as ${r.to})`,
  );
}

/** What a drain left for later: files still being uploaded, and quarantined arrivals. */
function heldLines(drain: DrainOutcome, indent: string): string[] {
  const lines: string[] = [];
  const waiting = drain.waiting ?? [];
  if (waiting.length > 0) {
    const first = waiting.slice(0, 5).join(", ");
    lines.push(`${indent}waiting  ${waiting.length} still being uploaded in _outbox (next drain): ${first}`);
  }
  for (const q of drain.quarantined ?? [])
    lines.push(`${indent}quarantined ${q.from} -> ${q.to}: ${q.reason}`);
  return lines;
}

export const mailboxMode: Mode<MailboxMachine> = {
  name: "mailbox",
  machine: mailboxMachine,
  syncContext: (context) => context,
  build: (kit) => ({ machine: mailboxMachine.provide({ actors: mailboxEffects(kit) }), started: {} }),
  hasIncoming: outboxHasFiles,
  cycleLines(cycle) {
    const dry = cycle.request.dryRun;
    const lines = [...stepLines("push", cycle.push, dry), ...stepLines("pull", cycle.pull ?? null, dry)];
    if (cycle.drain) {
      lines.push(`drain  ${cycle.drain.arrivals.length} ${dry ? "would arrive" : "arrived"} in _inbox`);
      for (const name of cycle.drain.arrivals) lines.push(`  ${name}`);
      lines.push(...renameLines(cycle.drain), ...heldLines(cycle.drain, "  "));
    }
    return lines;
  },
  lastCycleLines: (cycle) =>
    cycle.drain
      ? [`  drain    ${names(cycle.drain.arrivals)}`, ...heldLines(cycle.drain, "           ")]
      : [],
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
  eventDetail(event, dryRun = false) {
    const stats = statsOf(event.stats);
    if (event.type === "pushDone" && typeof event.changedPaths === "number" && stats !== null)
      return `incremental push of ${event.changedPaths} changed paths: ${statsLine(stats, dryRun)}`;
    const drained = event.type === "pushDone" || event.type === "drainDone";
    if (!drained || !Array.isArray(event.arrivals)) return null;
    const quarantined = Array.isArray(event.quarantined) ? event.quarantined.length : 0;
    const waiting = Array.isArray(event.waiting) ? event.waiting.length : 0;
    return [
      names(event.arrivals, dryRun),
      ...(quarantined > 0 ? [`${quarantined} quarantined in .workspace-sync/quarantine`] : []),
      ...(waiting > 0 ? [`${waiting} still being uploaded`] : []),
    ].join("; ");
  },
};
