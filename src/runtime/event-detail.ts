/** What a logged event says beyond its type: the failure, a halt, what moved, who asked. For any unit. */
import { modeEventDetail } from "../modes/index.js";
import type { LoggedEvent } from "../modes/types.js";
import { isRecord } from "../util/json.js";
import { bytes, statsLine, statsOf } from "../util/text.js";

/**
 * Whether an event a sync unit just processed belongs to a dry run's cycle, read from the context it led to:
 * the cycle still runs as a dry run, or it just ended as one (`lastDryRun` finished at this event).
 */
export function inDryRun(event: LoggedEvent, context: unknown): boolean {
  if (!isRecord(context)) return false;
  if (isRecord(context.current) && context.current.dryRun === true) return true;
  return isRecord(context.lastDryRun) && context.lastDryRun.finishedAt === event.at;
}

/** `dryRun`: the event belongs to a dry run's cycle, so its counts say what would happen. */
export function eventDetail(event: LoggedEvent, dryRun = false): string {
  const { error, halt } = event;
  // As `failureLine` prints a failure, read field by field from the log.
  if (isRecord(error))
    return `${String(error.kind)}: ${String(error.message)}${error.hint ? ` (${String(error.hint)})` : ""}`;
  if (isRecord(halt)) return `halted (${String(halt.reason)}): ${String(halt.message)}`;
  const own = modeEventDetail(event, dryRun);
  if (own !== null) return own;
  const stats = statsOf(event.stats);
  if (/Done$/.test(event.type) && stats !== null) return statsLine(stats, dryRun);
  if (event.type === "syncRequested") {
    const e = event;
    const dry = `${e.dryRun ? ", dry run" : ""}${e.force ? ", forced" : ""}${e.resync ? ", resync" : ""}`;
    return `from ${String(e.source)}${e.direction && e.direction !== "both" ? `, ${String(e.direction)} only` : ""}${dry}`;
  }
  if (event.type === "changesSeen") {
    const paths = Array.isArray(event.paths) ? event.paths.map(String) : [];
    if (event.all === true) return `the watcher lost track (${String(event.why ?? "")}): a full cycle`;
    return `${paths.length} changed (watcher): ${paths.slice(0, 5).join(", ")}${paths.length > 5 ? ", ..." : ""}`;
  }
  if (event.type === "backupRequested") return `from ${String(event.source)}`;
  if (event.type === "uploadDone" && isRecord(event.manifest)) {
    const m = event.manifest;
    const sent = isRecord(m.object) ? Number(m.object.bytes ?? 0) : 0;
    return `${String(m.id)}: ${String(m.files)} files, ${bytes(sent)} sent`;
  }
  if (event.type === "hostStarted" || event.type === "hostStopped") return `pid ${String(event.pid)}`;
  return "";
}
