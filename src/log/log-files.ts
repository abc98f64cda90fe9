/**
 * Names of the files in a log folder, and listing them.
 *
 * - `seg-<first seq, 12 digits>.json`: a segment, `{ records: LogRecord[] }`.
 * - `checkpoint-<seq, 12 digits>.json`: a checkpoint, `{ seq, at, snapshot }`.
 * - `.seg-....tmp`, `.checkpoint-....tmp`: temp files of an interrupted write.
 * - `<name>.corrupt-<timestamp>`: a file moved aside by recovery (kept for a person to inspect).
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { messageOf as describeError } from "../util/errors.js";
import { hasErrorCode } from "./fs-util.js";

const SEQ_DIGITS = 12;
const segmentPattern = /^seg-(\d{12})\.json$/;
const checkpointPattern = /^checkpoint-(\d{12})\.json$/;
const tempPattern = /^\.(?:seg|checkpoint)-\d{12}\.json\..*\.tmp$/;

function pad(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, "0");
}

export function segmentPath(dir: string, firstSeq: number): string {
  return path.join(dir, `seg-${pad(firstSeq)}.json`);
}

export function checkpointPath(dir: string, seq: number): string {
  return path.join(dir, `checkpoint-${pad(seq)}.json`);
}

export interface LogFiles {
  /** First seq of each segment, ascending. */
  segments: number[];
  /** Seq of each checkpoint, ascending. */
  checkpoints: number[];
  /** Names of temp files left by interrupted writes. */
  temps: string[];
}

/** Lists a log folder; a missing folder is an empty log. */
export async function listLogFiles(dir: string): Promise<LogFiles> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return { segments: [], checkpoints: [], temps: [] };
    throw new Error(`could not list log folder ${dir}: ${describeError(error)}`, { cause: error });
  }
  const files: LogFiles = { segments: [], checkpoints: [], temps: [] };
  for (const name of names) {
    const segment = segmentPattern.exec(name)?.[1];
    const checkpoint = checkpointPattern.exec(name)?.[1];
    if (segment !== undefined) files.segments.push(Number(segment));
    else if (checkpoint !== undefined) files.checkpoints.push(Number(checkpoint));
    else if (tempPattern.test(name)) files.temps.push(name);
  }
  files.segments.sort((a, b) => a - b);
  files.checkpoints.sort((a, b) => a - b);
  return files;
}
