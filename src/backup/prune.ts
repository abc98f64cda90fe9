/**
 * Retention after a successful backup: the policy (restic's semantics) picks the snapshots to keep;
 * the others are unpublished (manifest first) and deleted. Never the newest snapshot, nor the one just
 * made. Unpublished leftovers (objects with no manifest) go when older than the grace period, or at
 * once when they belong to an attempt known to have failed or died.
 */
import type { PruneOutcome } from "../../machines/backup.js";
import type { FailureReason } from "../../machines/outcomes.js";
import { readCatalog } from "./catalog.js";
import { idOfName, manifestName } from "./manifest.js";
import type { BackupOps } from "./ops.js";
import { applyRetention, type RetentionPolicy } from "./retention.js";

/** Leftovers younger than this may be a backup still uploading from another host: left alone. */
export const defaultLeftoverGraceMs = 24 * 3_600_000;

export interface PruneOptions {
  policy: RetentionPolicy;
  /** The snapshot just published: kept whatever the policy says. */
  keepId: string;
  /** Attempts known to be dead: their leftovers go regardless of age. */
  abandoned: readonly string[];
  graceMs: number;
  now: number;
}

export type PruneResult = { ok: true; outcome: PruneOutcome } | { ok: false; failure: FailureReason };

/** One `rclone delete` for many names in the backup folder (no recursion). */
async function deleteNames(ops: BackupOps, all: readonly string[], signal?: AbortSignal) {
  // Only names of ours, and never an empty filter list: `rclone delete` without one empties the folder.
  const names = all.filter((name) => idOfName(name) !== null);
  if (names.length === 0) return null;
  const filters = names.flatMap((name) => ["--include", `/${name.replace(/[*?[\]{}\\]/g, "\\$&")}`]);
  const deleted = await ops.run(["delete", "--max-depth", "1", ...filters, ops.remote.root], signal);
  return deleted.ok ? null : deleted.failure;
}

export async function prune(
  ops: BackupOps,
  options: PruneOptions,
  signal?: AbortSignal,
): Promise<PruneResult> {
  const read = await readCatalog(ops, signal);
  if (!read.ok) return read;
  const { snapshots, leftovers } = read.catalog;
  const decision = applyRetention(snapshots, options.policy);
  const newest = snapshots[0]?.id;
  const doomed = decision.remove.filter((s) => s.id !== newest && s.id !== options.keepId);
  // Unpublish first: a snapshot whose data delete fails is then only a leftover.
  const unpublished = await deleteNames(
    ops,
    doomed.map((s) => manifestName(s.id)),
    signal,
  );
  if (unpublished) return { ok: false, failure: unpublished };
  const abandoned = new Set(options.abandoned);
  const staleLeftovers = leftovers.filter((o) => {
    const id = idOfName(o.name);
    if (id === options.keepId) return false;
    return (id !== null && abandoned.has(id)) || options.now - o.modifiedAt > options.graceMs;
  });
  const dataDeleted = await deleteNames(
    ops,
    [...doomed.map((s) => s.object.name), ...staleLeftovers.map((o) => o.name)],
    signal,
  );
  if (dataDeleted) return { ok: false, failure: dataDeleted };
  return {
    ok: true,
    outcome: {
      removed: doomed.map((s) => s.id),
      kept: snapshots.length - doomed.length,
      leftoversRemoved: staleLeftovers.map((o) => o.name),
    },
  };
}
