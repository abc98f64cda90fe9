/**
 * What the live page shows, from wherever the state lives: the `LiveSource` interface. Today it is built
 * over the event log read-only (`log-source.ts`); a daemon answering over IPC can implement the same.
 */
import type { LogEvent } from "../../log/records.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import type { ChartSpec } from "../registry.js";

/** One logged event as the timeline shows it. */
export interface LiveEntry {
  seq: number;
  /** When it was logged, ISO 8601. */
  at: string;
  event: LogEvent;
  /** The resulting state, dot-joined (`running.pushing`). */
  state: string;
  /** Ids of the resulting active states, ancestors included (`mailbox.running`, `mailbox.running.pushing`). */
  activeIds: string[];
  /**
   * Time since the previous event (how long the state before this event lasted); null for the first one.
   * The page's "took" column shows how long this event's own state lasted: the next entry's time minus this one's.
   */
  durationMs: number | null;
  /** `kind: message` of the failure the event reports, if it reports one. */
  error: string | null;
}

/** The state after some event (or now): its value, active ids and context. */
export interface LiveSnapshot {
  /** The seq of the event it follows; 0 before any. */
  seq: number;
  at: string | null;
  state: string;
  value: unknown;
  activeIds: string[];
  context: unknown;
}

export type LiveUpdate = { type: "entry"; entry: LiveEntry; snapshot: LiveSnapshot };

export interface HistoryOptions {
  /** Only events after this seq. */
  afterSeq?: number;
  /** Only the newest N. */
  limit?: number;
}

export interface LiveSource {
  readonly chart: ChartSpec;
  /** The current state. */
  snapshot(): Promise<LiveSnapshot>;
  /** Logged events, oldest first. */
  history(options?: HistoryOptions): Promise<LiveEntry[]>;
  /** Time travel: the state and context right after event `seq`, rebuilt from the log with the pure machine. */
  stateAt(seq: number): Promise<LiveSnapshot>;
  /** Called for every new event, in order. Returns the unsubscribe function. */
  subscribe(listener: (update: LiveUpdate) => void): () => void;
  close(): Promise<void>;
}

/** Asked for a state the log no longer holds (compacted) or never held. */
export class HistoryUnavailableError extends Error {
  override readonly name = "HistoryUnavailableError";
}

/** rclone's transfer statistics while a cycle runs (about once a second), from the host that runs it. */
export interface LiveProgress {
  /** ISO time the page's server received it. */
  at: string;
  stats: RcloneProgress;
}

/** Where progress comes from: the running host's unit (in-process, or over its socket). */
export interface ProgressFeed {
  subscribe(listener: (progress: LiveProgress) => void): () => void;
}
