/**
 * The state right after any logged event, rebuilt the way a host recovers: the newest checkpoint at or
 * before it, then the records up to it replayed through the machine's pure `transition()`.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { checkpointFile } from "../../log/checkpoints.js";
import { CorruptFileError } from "../../log/durable-json-file.js";
import { listLogFiles } from "../../log/log-files.js";
import type { Checkpoint } from "../../log/records.js";
import { readRecords } from "../../log/segments.js";
import { replay } from "../../runtime/logged-actor.js";
import { HistoryUnavailableError } from "./source.js";

export interface StateAt {
  snapshot: AnyMachineSnapshot;
  /** When event `seq` was logged (null for seq 0, before any event). */
  at: string | null;
}

async function checkpointAtOrBefore(
  dir: string,
  seq: number,
  warn: (m: string) => void,
): Promise<Checkpoint | null> {
  const { checkpoints } = await listLogFiles(dir);
  for (const at of checkpoints.filter((s) => s <= seq).reverse()) {
    try {
      const checkpoint = await checkpointFile(dir, at).read();
      if (checkpoint) return checkpoint;
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      warn(`skipping ${error.message}`);
    }
  }
  return null;
}

export async function stateAt(
  machine: AnyStateMachine,
  dir: string,
  seq: number,
  warn: (message: string) => void = () => undefined,
): Promise<StateAt> {
  if (!Number.isInteger(seq) || seq < 0)
    throw new HistoryUnavailableError(`no event #${seq}: seqs are whole numbers`);
  const checkpoint = await checkpointAtOrBefore(dir, seq, warn);
  const base = checkpoint?.seq ?? 0;
  // From the record at the checkpoint itself: its time is the answer when seq is the checkpoint's.
  const read = await readRecords(dir, { afterSeq: Math.max(0, base - 1) }, warn);
  const records = read.filter((r) => r.seq > base && r.seq <= seq);
  const contiguous = records.every((r, i) => r.seq === base + i + 1);
  if (!contiguous || base + records.length !== seq) {
    throw new HistoryUnavailableError(
      read.every((r) => r.seq < seq)
        ? `no event #${seq} in the log`
        : `the log no longer holds what led to event #${seq} (older history was compacted)`,
    );
  }
  const snapshot = replay(machine, checkpoint?.snapshot ?? null, records);
  return { snapshot, at: read.find((r) => r.seq === seq)?.at ?? checkpoint?.at ?? null };
}
