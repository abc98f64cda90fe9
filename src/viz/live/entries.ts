/** Log records and machine snapshots as the live page's entries and snapshots. */
import type { AnyMachineSnapshot } from "xstate";
import type { LogRecord } from "../../log/records.js";
import { fieldOf } from "../../util/json.js";
import { stateName } from "../../util/state-name.js";
import { activeStateIds } from "../model.js";
import type { LiveEntry, LiveSnapshot } from "./source.js";

/** `kind: message` of the failure an event reports (`{error: {kind, message}}`), else null. */
export function errorReason(event: LogRecord["event"]): string | null {
  const error = event.error;
  if (error === null || typeof error !== "object") return null;
  const kind = fieldOf(error, "kind");
  const message = fieldOf(error, "message");
  const text = typeof message === "string" ? message : JSON.stringify(error);
  return typeof kind === "string" ? `${kind}: ${text}` : text;
}

export function toEntry(machineId: string, record: LogRecord, previous: LogRecord | null): LiveEntry {
  return {
    seq: record.seq,
    at: record.at,
    event: record.event,
    state: stateName(record.state),
    activeIds: activeStateIds(machineId, record.state),
    durationMs: previous === null ? null : Date.parse(record.at) - Date.parse(previous.at),
    error: errorReason(record.event),
  };
}

/** Entries for consecutive records; `before` is the record just before the first (for its duration). */
export function toEntries(
  machineId: string,
  records: readonly LogRecord[],
  before: LogRecord | null,
): LiveEntry[] {
  return records.map((record, i) => toEntry(machineId, record, i === 0 ? before : (records[i - 1] ?? null)));
}

export function toLiveSnapshot(
  machineId: string,
  snapshot: AnyMachineSnapshot,
  seq: number,
  at: string | null,
): LiveSnapshot {
  return {
    seq,
    at,
    state: stateName(snapshot.value),
    value: snapshot.value,
    activeIds: activeStateIds(machineId, snapshot.value),
    context: snapshot.context,
  };
}
