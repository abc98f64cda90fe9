/**
 * A `LiveSource` over the event log, read-only: whoever hosts the machine (a one-shot CLI `sync` in
 * another process, a daemon) appends; this reads. The current state is the log replayed through the
 * pure machine (as `status` does) and kept up to date by reading the new records whenever the log
 * folder changes (fs.watch) and, as a safety net, every `pollMs`.
 */
import { type FSWatcher, watch } from "node:fs";
import { type AnyMachineSnapshot, transition } from "xstate";
import { EventLog, type LogRecord } from "../../log/event-log.js";
import { replay } from "../../runtime/logged-actor.js";
import type { ChartSpec } from "../registry.js";
import { toEntries, toEntry, toLiveSnapshot } from "./entries.js";
import type { HistoryOptions, LiveSource, LiveUpdate } from "./source.js";
import { stateAt } from "./time-travel.js";

export interface LogSourceOptions {
  chart: ChartSpec;
  /** The workspace's event log folder (it may not exist yet: the first sync makes it). */
  logDir: string;
  /** How often to look for new events when no change is signalled, default 1000 ms. */
  pollMs?: number;
  onWarning?: (message: string) => void;
}

interface Tracked {
  snapshot: AnyMachineSnapshot;
  last: LogRecord | null;
}

/** A log source can also be told to look now (a running host says an event was processed). */
export interface LogSource extends LiveSource {
  refresh(): Promise<void>;
}

export async function createLogSource(options: LogSourceOptions): Promise<LogSource> {
  const { chart, logDir } = options;
  const machine = chart.machine;
  const machineId = machine.id;
  const warn = (message: string) => options.onWarning?.(message);
  const listeners = new Set<(update: LiveUpdate) => void>();
  const log = await EventLog.open({ dir: logDir, readOnly: true, onWarning: warn });

  const load = async (): Promise<Tracked> => {
    const fresh = await EventLog.open({ dir: logDir, readOnly: true, onWarning: warn });
    try {
      const { checkpoint, tail } = fresh.recovery;
      const last = tail.at(-1) ?? (await fresh.read({ limit: 1 })).at(-1) ?? null;
      return { snapshot: replay(machine, checkpoint?.snapshot ?? null, tail), last };
    } finally {
      await fresh.close();
    }
  };
  let tracked = await load();
  let closed = false;

  const apply = (record: LogRecord): void => {
    const previous = tracked.last;
    const snapshot = record.event.type.startsWith("xstate.")
      ? tracked.snapshot
      : transition(machine, tracked.snapshot, record.event)[0];
    tracked = { snapshot, last: record };
    const update: LiveUpdate = {
      type: "entry",
      entry: toEntry(machineId, record, previous),
      snapshot: toLiveSnapshot(machineId, snapshot, record.seq, record.at),
    };
    for (const listener of listeners) {
      try {
        listener(update);
      } catch (error) {
        warn(`a live listener failed: ${String(error)}`);
      }
    }
  };

  /** Reads what was appended since the last look; one look at a time, in order. */
  let looking: Promise<void> = Promise.resolve();
  const look = (): Promise<void> => {
    looking = looking.then(async () => {
      if (closed) return;
      const lastSeq = tracked.last?.seq ?? 0;
      const records = await log.read({ afterSeq: lastSeq });
      if (records.length > 0 && records[0]?.seq !== lastSeq + 1) {
        // Older records went before we read them (compaction): start again from the log's own recovery.
        tracked = await load();
        return;
      }
      for (const record of records) apply(record);
    });
    looking = looking.catch((error: unknown) => warn(`reading ${logDir}: ${String(error)}`));
    return looking;
  };

  let watcher: FSWatcher | null = null;
  const startWatching = (): void => {
    if (watcher !== null || closed) return;
    try {
      watcher = watch(logDir, { persistent: false }, () => void look());
      watcher.on("error", () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      watcher = null; // the folder is not there yet: polling finds it
    }
  };
  startWatching();
  const poll = setInterval(() => {
    startWatching();
    void look();
  }, options.pollMs ?? 1000);
  poll.unref();

  return {
    chart,
    refresh: look,
    async snapshot() {
      await look();
      return toLiveSnapshot(machineId, tracked.snapshot, tracked.last?.seq ?? 0, tracked.last?.at ?? null);
    },
    async history(opts: HistoryOptions = {}) {
      const limit = opts.limit;
      const records = await log.read({
        ...(opts.afterSeq === undefined ? {} : { afterSeq: opts.afterSeq }),
        ...(limit === undefined ? {} : { limit: limit + 1 }),
      });
      // One more than asked: the first one returned needs its predecessor for its duration.
      const extra = limit !== undefined && records.length > limit ? records.shift() : undefined;
      return toEntries(machineId, records, extra ?? null);
    },
    async stateAt(seq) {
      const found = await stateAt(machine, logDir, seq, warn);
      return toLiveSnapshot(machineId, found.snapshot, seq, found.at);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearInterval(poll);
      watcher?.close();
      listeners.clear();
      await looking;
      await log.close();
    },
  };
}
