/**
 * The durable, segmented JSON event log: the source of truth for an XState actor.
 *
 * Records go to `seg-<first seq>.json` files of `segmentSize` records (only the newest is rewritten, so an
 * append costs the same at 1k or 1M records). When a segment fills, a checkpoint holding the actor's
 * persisted snapshot is written; recovery is "newest valid checkpoint + the contiguous records after it".
 * Appends are numbered synchronously, applied strictly in call order, and written in batches: every append
 * that arrives while a write is running is made durable by the next write.
 */
import { mkdir } from "node:fs/promises";
import { messageOf as describeError } from "../util/errors.js";
import { checkpointFile } from "./checkpoints.js";
import { compact } from "./compaction.js";
import { type Checkpoint, deepFreeze, eventToJson, type LogRecord, toJson } from "./records.js";
import { type Recovery, recoverLog } from "./recover.js";
import { type OpenSegment, openSegment, readRecords } from "./segments.js";

export { CorruptFileError } from "./durable-json-file.js";
export type { Checkpoint, LogRecord } from "./records.js";
export type { Recovery } from "./recover.js";

export interface EventLogOptions {
  /** Folder holding segments and checkpoints; created (0700) if missing unless readOnly. */
  dir: string;
  /** Records per segment file, default 1000. */
  segmentSize?: number;
  /** A checkpoint every this many records (and whenever a segment fills), default 100: bounds replay on start. */
  checkpointEvery?: number;
  /** Compaction keeps at least this many newest segments, default 100. */
  retainSegments?: number;
  /** Never writes, never moves files (for `status`/`log` while a host runs). */
  readOnly?: boolean;
  /** Applied to every string value in events and snapshots before they are written. */
  redact?: (text: string) => string;
  /** Clock, default `() => new Date()`. */
  now?: () => Date;
  onWarning?: (message: string) => void;
}

interface PendingAppend {
  record: LogRecord;
  /** First seq of the segment this record goes to. */
  segmentFirst: number;
  /** Set when this record fills its segment. */
  checkpoint: Checkpoint | null;
  resolve: (record: LogRecord) => void;
  reject: (error: unknown) => void;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

export class EventLog {
  /** What open() found: the last valid checkpoint and the contiguous tail after it. */
  readonly recovery: Recovery;
  readonly #dir: string;
  readonly #segmentSize: number;
  readonly #checkpointEvery: number;
  readonly #retainSegments: number;
  readonly #readOnly: boolean;
  readonly #redact: ((text: string) => string) | undefined;
  readonly #now: () => Date;
  readonly #onWarning: ((message: string) => void) | undefined;
  /** Segments on disk (first seqs, ascending) and checkpoints (seqs, ascending), as the writer sees them. */
  readonly #segments: number[];
  readonly #checkpoints: number[];
  #current: OpenSegment | null;
  #lastSeq: number;
  /** Where the next append goes, decided at call time: the planned segment's first seq and size. */
  #planFirst: number | null;
  #planCount: number;
  #pending: PendingAppend[] = [];
  #writer: Promise<void> | null = null;
  #failure: Error | null = null;
  #closed = false;

  private constructor(opts: EventLogOptions, recovered: Awaited<ReturnType<typeof recoverLog>>) {
    this.#dir = opts.dir;
    this.#segmentSize = positiveInt("segmentSize", opts.segmentSize ?? 1000);
    this.#checkpointEvery = positiveInt("checkpointEvery", opts.checkpointEvery ?? 100);
    this.#retainSegments = positiveInt("retainSegments", opts.retainSegments ?? 100);
    this.#readOnly = opts.readOnly ?? false;
    this.#redact = opts.redact;
    this.#now = opts.now ?? (() => new Date());
    this.#onWarning = opts.onWarning;
    this.recovery = recovered.recovery;
    this.#lastSeq = recovered.lastSeq;
    this.#segments = recovered.segments;
    this.#checkpoints = recovered.checkpoints;
    this.#current = recovered.current;
    this.#planFirst = this.#current?.first ?? null;
    this.#planCount = this.#current?.db.data.records.length ?? 0;
  }

  static async open(opts: EventLogOptions): Promise<EventLog> {
    positiveInt("segmentSize", opts.segmentSize ?? 1000);
    positiveInt("retainSegments", opts.retainSegments ?? 100);
    const readOnly = opts.readOnly ?? false;
    if (!readOnly) {
      try {
        await mkdir(opts.dir, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw new Error(`could not create log folder ${opts.dir}: ${describeError(error)}`, { cause: error });
      }
    }
    const recovered = await recoverLog({
      dir: opts.dir,
      readOnly,
      now: opts.now ?? (() => new Date()),
      onWarning: opts.onWarning,
    });
    return new EventLog(opts, recovered);
  }

  /** The seq of the newest record appended (durable or not yet); 0 when empty. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Adds a record. Its seq is assigned now; the promise resolves (with the record, frozen) once it and
   * every earlier record are on disk. `snapshot` is called at once, and only when this record gets a
   * checkpoint: every `checkpointEvery` records, when it fills its segment, or when `options.checkpoint`
   * asks (a host stopping cleanly, so the next start replays nothing). After a failed write the log accepts
   * nothing more: reopen it to recover.
   */
  append(
    event: LogRecord["event"],
    state: unknown,
    snapshot: () => unknown,
    options: { checkpoint?: boolean } = {},
  ): Promise<LogRecord> {
    let pending: Omit<PendingAppend, "resolve" | "reject">;
    try {
      this.#assertWritable();
      const seq = this.#lastSeq + 1;
      const newSegment = this.#planFirst === null || this.#planCount >= this.#segmentSize;
      const segmentFirst = newSegment ? seq : (this.#planFirst ?? seq);
      const count = (newSegment ? 0 : this.#planCount) + 1;
      const at = this.#now().toISOString();
      const record: LogRecord = deepFreeze({
        seq,
        at,
        event: eventToJson(event, this.#redact),
        state: toJson(state),
      });
      const due =
        count >= this.#segmentSize || seq % this.#checkpointEvery === 0 || options.checkpoint === true;
      const checkpoint = due ? { seq, at, snapshot: toJson(snapshot(), this.#redact) } : null;
      pending = { record, segmentFirst, checkpoint };
      this.#lastSeq = seq;
      this.#planFirst = segmentFirst;
      this.#planCount = count;
    } catch (error) {
      return Promise.reject(error);
    }
    const promise = new Promise<LogRecord>((resolve, reject) => {
      this.#pending.push({ ...pending, resolve, reject });
    });
    // A caller may fire appends without awaiting them; a failure is also reported through onWarning
    // and by flush(), so it must not crash the process as an unhandled rejection.
    promise.catch(() => undefined);
    this.#writer ??= this.#drain();
    return promise;
  }

  /** Resolves when every append so far is durable; rejects if any write failed. */
  async flush(): Promise<void> {
    while (this.#writer) await this.#writer;
    if (this.#failure) {
      throw new Error(`event log ${this.#dir} lost writes: ${this.#failure.message}`, {
        cause: this.#failure,
      });
    }
  }

  /**
   * Records oldest first, across the segments on disk; `afterSeq` skips older ones, `limit` keeps the
   * newest N. Waits for pending appends first. Corrupt segments are skipped with a warning.
   */
  async read(opts: { afterSeq?: number; limit?: number } = {}): Promise<LogRecord[]> {
    while (this.#writer) await this.#writer;
    return readRecords(this.#dir, opts, (message) => this.#onWarning?.(message));
  }

  /** Waits for pending appends, then refuses further ones. Rejects if any write failed. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #assertWritable(): void {
    if (this.#readOnly) throw new Error(`event log ${this.#dir} was opened read-only`);
    if (this.#closed) throw new Error(`event log ${this.#dir} is closed`);
    if (this.#failure) {
      throw new Error(`event log ${this.#dir} stopped after a failed write: ${this.#failure.message}`, {
        cause: this.#failure,
      });
    }
  }

  /** Writes batches until nothing is pending. Never rejects: failures go to the appends' promises. */
  async #drain(): Promise<void> {
    await Promise.resolve(); // let appends made in the same tick join the first batch
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      try {
        await this.#persist(batch);
        for (const item of batch) item.resolve(item.record);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.#failure = failure;
        for (const item of [...batch, ...this.#pending.splice(0)]) item.reject(failure);
        try {
          this.#onWarning?.(`event log ${this.#dir}: write failed, no further appends: ${failure.message}`);
        } catch {
          // a throwing warning callback must not wedge the writer
        }
      }
    }
    this.#writer = null;
  }

  async #persist(batch: PendingAppend[]): Promise<void> {
    let dirty = false;
    let checkpointWritten = false;
    for (const item of batch) {
      if (this.#current?.first !== item.segmentFirst) {
        if (dirty && this.#current) await this.#current.db.write();
        this.#current = openSegment(this.#dir, item.segmentFirst);
        this.#segments.push(item.segmentFirst);
      }
      this.#current.db.data.records.push(item.record);
      dirty = true;
      if (item.checkpoint) {
        // The segment goes first: a checkpoint must never be ahead of the records on disk.
        await this.#current.db.write();
        dirty = false;
        await checkpointFile(this.#dir, item.checkpoint.seq).write(item.checkpoint);
        this.#checkpoints.push(item.checkpoint.seq);
        checkpointWritten = true;
      }
    }
    if (dirty && this.#current) await this.#current.db.write();
    if (checkpointWritten) await compact(this.#dir, this.#segments, this.#checkpoints, this.#retainSegments);
  }
}
