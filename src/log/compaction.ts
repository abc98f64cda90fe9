/** Pruning checkpoints and deleting old segments, run after each new checkpoint. */

import { fsyncDir } from "../util/durable-file.js";
import { KEPT_CHECKPOINTS } from "./checkpoints.js";
import { removeIfExists } from "./fs-util.js";
import { checkpointPath, segmentPath } from "./log-files.js";

/**
 * Keeps the newest checkpoints, then deletes, oldest first, whole segments beyond the newest
 * `retainSegments` whose records all lie at or before the oldest checkpoint kept (so falling back to it
 * still finds its tail). `segments` (first seqs) and `checkpoints` (seqs), both ascending, are updated.
 */
export async function compact(
  dir: string,
  segments: number[],
  checkpoints: number[],
  retainSegments: number,
): Promise<void> {
  let removed = false;
  while (checkpoints.length > KEPT_CHECKPOINTS) {
    const seq = checkpoints.shift() ?? 0;
    removed = (await removeIfExists(checkpointPath(dir, seq))) || removed;
  }
  const oldestCheckpoint = checkpoints[0];
  if (oldestCheckpoint !== undefined) {
    while (segments.length > retainSegments) {
      const [first = 0, next] = segments;
      if (next === undefined || next - 1 > oldestCheckpoint) break;
      removed = (await removeIfExists(segmentPath(dir, first))) || removed;
      segments.shift();
    }
  }
  if (removed) await fsyncDir(dir);
}
