/** Segment files: `{ records }` holding up to `segmentSize` consecutive records each. */
import { Low } from "lowdb";
import { CorruptFileError, DurableJsonFile } from "./durable-json-file.js";
import { listLogFiles, segmentPath } from "./log-files.js";
import { type LogRecord, parseSegment, type SegmentData } from "./records.js";

export function segmentFile(dir: string, firstSeq: number): DurableJsonFile<SegmentData> {
  return new DurableJsonFile(segmentPath(dir, firstSeq), { parse: (value) => parseSegment(value, firstSeq) });
}

/** The segment being appended to: its first seq and a lowdb handle on its records. */
export interface OpenSegment {
  first: number;
  db: Low<SegmentData>;
}

export function openSegment(dir: string, first: number, records: LogRecord[] = []): OpenSegment {
  return { first, db: new Low(segmentFile(dir, first), { records }) };
}

export interface ReadRecordsOptions {
  afterSeq?: number;
  /** Only the newest `limit` records. */
  limit?: number;
}

/**
 * Records with seq > afterSeq from the segments now in `dir`, oldest first. Reads segments newest
 * first and stops as soon as it has enough. Segments removed meanwhile (compaction) are skipped;
 * corrupt ones are skipped with a warning. Never writes.
 */
export async function readRecords(
  dir: string,
  options: ReadRecordsOptions,
  warn: (message: string) => void,
): Promise<LogRecord[]> {
  const afterSeq = options.afterSeq ?? 0;
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  }
  if (limit === 0) return [];
  const { segments } = await listLogFiles(dir);
  const chunks: LogRecord[][] = [];
  let count = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    const first = segments[i] ?? 0;
    const next = segments[i + 1];
    if (next !== undefined && next - 1 <= afterSeq) break;
    let data: SegmentData | null;
    try {
      data = await segmentFile(dir, first).read();
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      warn(`skipping ${error.message}`);
      continue;
    }
    if (!data) continue;
    const records = data.records.filter((r) => r.seq > afterSeq);
    chunks.unshift(records);
    count += records.length;
    if (limit !== undefined && count >= limit) break;
  }
  const all = chunks.flat();
  return limit === undefined ? all : all.slice(-limit);
}
