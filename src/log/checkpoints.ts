/** Checkpoint files: `{ seq, at, snapshot }` written when a segment fills up; the newest two are kept. */
import { CorruptFileError, DurableJsonFile } from "./durable-json-file.js";
import { checkpointPath } from "./log-files.js";
import { type Checkpoint, parseCheckpoint } from "./records.js";

export function checkpointFile(dir: string, seq: number): DurableJsonFile<Checkpoint> {
  return new DurableJsonFile(checkpointPath(dir, seq), { parse: (value) => parseCheckpoint(value, seq) });
}

/** How many checkpoints the log keeps; compaction keeps every record after the oldest of them. */
export const KEPT_CHECKPOINTS = 2;

export interface NewestCheckpoint {
  checkpoint: Checkpoint | null;
  /** Seqs of the checkpoints still in place (the chosen one and older ones), ascending. */
  remaining: number[];
}

/**
 * Finds the newest checkpoint that parses. Each newer one that does not is handed to `onCorrupt`
 * (which moves it aside or only warns) and the previous one is tried.
 */
export async function loadNewestCheckpoint(
  dir: string,
  seqs: readonly number[],
  onCorrupt: (file: string, error: CorruptFileError) => Promise<void>,
): Promise<NewestCheckpoint> {
  const remaining = [...seqs];
  while (remaining.length > 0) {
    const seq = remaining[remaining.length - 1] ?? 0;
    const file = checkpointFile(dir, seq);
    try {
      const checkpoint = await file.read();
      if (checkpoint) return { checkpoint, remaining };
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      await onCorrupt(file.path, error);
    }
    remaining.pop();
  }
  return { checkpoint: null, remaining };
}
