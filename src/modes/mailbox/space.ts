/**
 * Room for the drain's staged copies: which settled files fit in the free space of the workspace's disk
 * (checked before `rclone copy`, so a full disk is met before a byte is written, never in the middle), and
 * the retryable failure that says how much more space the rest needs.
 */
import { statfs } from "node:fs/promises";
import type { FailureReason } from "../../../machines/outcomes.js";

/** Kept free for folders, the journal and the event log. */
const reserveBytes = 1_048_576;

const mib = (bytes: number): string => `${Math.max(1, Math.ceil(bytes / 1_048_576))} MiB`;

/** Bytes an unprivileged writer may still use where `dir` is; null when the system cannot say. */
export async function freeBytes(dir: string): Promise<{ free: number; block: number } | null> {
  try {
    const info = await statfs(dir);
    return { free: info.bavail * info.bsize, block: info.bsize };
  } catch {
    return null;
  }
}

export interface Fitting {
  fit: string[];
  left: string[];
  /** What `left` takes on disk. */
  leftBytes: number;
  free: number;
}

/** The paths (in order) whose sizes, in whole blocks, fit in the free space; the rest are left. */
export function fitting(
  paths: readonly string[],
  sizeOf: (path: string) => number,
  room: { free: number; block: number } | null,
): Fitting {
  if (room === null) return { fit: [...paths], left: [], leftBytes: 0, free: Number.POSITIVE_INFINITY };
  const block = Math.max(1, room.block);
  let budget = room.free - reserveBytes;
  const fit: string[] = [];
  const left: string[] = [];
  let leftBytes = 0;
  for (const path of paths) {
    const onDisk = Math.ceil(sizeOf(path) / block) * block;
    if (onDisk <= budget) {
      fit.push(path);
      budget -= onDisk;
    } else {
      left.push(path);
      leftBytes += onDisk;
    }
  }
  return { fit, left, leftBytes, free: room.free };
}

/** The drain's failure when files were left for want of space: retryable, with how much is needed. */
export function noSpace(room: Fitting, dir: string): FailureReason {
  const n = room.left.length;
  const first = room.left.slice(0, 3).join(", ");
  return {
    kind: "retryable",
    message: `no space left on the local disk for ${n} arrival${n === 1 ? "" : "s"} (${first}): about ${mib(room.leftBytes + reserveBytes)} free space needed, ${mib(room.free)} free at ${dir}`,
    hint: `Free about ${mib(room.leftBytes + reserveBytes - Math.max(0, room.free - reserveBytes))} more where the workspace is; it is retried, the files stay in _outbox, and nothing partial is delivered.`,
  };
}
