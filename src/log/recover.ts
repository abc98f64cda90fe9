/**
 * What `EventLog.open` does before the first append: find the newest checkpoint that parses, then the
 * contiguous run of records after it. Whatever breaks the run (an unparsable segment, a gap, an overlap)
 * is moved aside together with every segment after it, so the host starts from what is valid.
 */
import path from "node:path";
import { fsyncDir } from "../util/durable-file.js";
import { loadNewestCheckpoint } from "./checkpoints.js";
import { CorruptFileError } from "./durable-json-file.js";
import { moveAside, removeIfExists } from "./fs-util.js";
import { listLogFiles, segmentPath } from "./log-files.js";
import type { Checkpoint, LogRecord } from "./records.js";
import { type OpenSegment, openSegment, segmentFile } from "./segments.js";

export interface Recovery {
  checkpoint: Checkpoint | null;
  /** Records with seq > checkpoint.seq, in order, contiguous. */
  tail: LogRecord[];
  warnings: string[];
}

export interface RecoverContext {
  dir: string;
  readOnly: boolean;
  now: () => Date;
  onWarning?: ((message: string) => void) | undefined;
}

export interface RecoveredLog {
  recovery: Recovery;
  lastSeq: number;
  /** First seqs of the segments kept, ascending (older ones before the checkpoint were not read). */
  segments: number[];
  /** Seqs of the checkpoints kept, ascending. */
  checkpoints: number[];
  /** The newest segment, when new records can be added to it (it ends at lastSeq). */
  current: OpenSegment | null;
}

export async function recoverLog(ctx: RecoverContext): Promise<RecoveredLog> {
  const { dir, readOnly } = ctx;
  const warnings: string[] = [];
  let moved = false;
  const warn = (message: string): void => {
    warnings.push(message);
    ctx.onWarning?.(message);
  };
  /** Moves a bad file aside (or, read-only, only warns). */
  const setAside = async (file: string, reason: string): Promise<void> => {
    if (readOnly) {
      warn(`ignoring ${file}: ${reason}`);
      return;
    }
    const target = await moveAside(file, ctx.now());
    moved = true;
    warn(`moved ${file} aside to ${path.basename(target)}: ${reason}`);
  };

  const files = await listLogFiles(dir);
  if (!readOnly && files.temps.length > 0) {
    for (const name of files.temps) await removeIfExists(path.join(dir, name));
    moved = true;
  }

  const { checkpoint, remaining } = await loadNewestCheckpoint(dir, files.checkpoints, (file, error) =>
    setAside(file, `checkpoint does not parse (${error.message}); falling back to an older one`),
  );

  const segs = files.segments;
  let expected: number;
  let start: number;
  if (checkpoint) {
    expected = checkpoint.seq + 1;
    start = Math.max(
      0,
      segs.findLastIndex((first) => first <= expected),
    );
  } else {
    start = 0;
    expected = segs[0] ?? 1;
    if (expected !== 1) {
      warn(
        `no checkpoint and the oldest segment begins at seq ${expected}: ` +
          `history before it is gone; the host starts from the machine's initial state`,
      );
    }
  }

  const tail: LogRecord[] = [];
  const kept = segs.slice(0, start);
  let last: { first: number; records: LogRecord[] } | null = null;
  for (let i = start; i < segs.length; i++) {
    const first = segs[i] ?? 0;
    const file = segmentPath(dir, first);
    let problem: string | null = null;
    let records: LogRecord[] = [];
    if (first > expected) problem = `gap: expected seq ${expected} next but the segment begins at ${first}`;
    else if (first < expected && i > start)
      problem = `overlaps the previous segment (expected seq ${expected})`;
    else {
      try {
        records = (await segmentFile(dir, first).read())?.records ?? [];
      } catch (error) {
        if (!(error instanceof CorruptFileError)) throw error;
        problem = error.message;
      }
    }
    if (problem !== null) {
      await setAside(file, problem);
      for (const later of segs.slice(i + 1)) {
        await setAside(segmentPath(dir, later), `follows ${path.basename(file)}, which was set aside`);
      }
      break;
    }
    for (const record of records) if (record.seq >= expected) tail.push(record);
    expected = Math.max(expected, first + records.length);
    kept.push(first);
    last = { first, records };
  }
  if (moved) await fsyncDir(dir);

  const lastSeq = expected - 1;
  const current =
    last && last.first + last.records.length - 1 === lastSeq
      ? openSegment(dir, last.first, last.records)
      : null;
  return {
    // A copy: the host may replay (and mutate) these; the current segment keeps its own records.
    recovery: { checkpoint, tail: structuredClone(tail), warnings },
    lastSeq,
    segments: kept,
    checkpoints: remaining,
    current,
  };
}
