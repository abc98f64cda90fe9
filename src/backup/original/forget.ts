/**
 * `backup forget ID`: deletes one of the original plugin's snapshots, on request. Retention never does (it only
 * considers snapshots with our manifest); ours are never deleted by hand here: they follow `backup.retain`.
 */
import type { FailureReason } from "../../../machines/outcomes.js";
import { findSnapshot, readCatalog } from "../catalog.js";
import type { BackupOps } from "../ops.js";
import type { OriginalSnapshot } from "./snapshots.js";

export async function forgetOriginal(
  ops: BackupOps,
  wanted: string,
  signal?: AbortSignal,
): Promise<{ ok: true; forgotten: OriginalSnapshot } | { ok: false; failure: FailureReason }> {
  const read = await readCatalog(ops, signal);
  if (!read.ok) return read;
  const found = findSnapshot(read.catalog, wanted);
  if (typeof found === "string") return { ok: false, failure: { kind: "fatal", message: found } };
  if (found.origin !== "original") {
    return {
      ok: false,
      failure: {
        kind: "fatal",
        message: `${found.id} is not one of the original plugin's snapshots`,
        hint: "this project's snapshots are removed by retention (`backup.retain`), not by hand",
      },
    };
  }
  const deleted = await ops.run(["deletefile", ops.path(found.original.name)], signal);
  if (!deleted.ok) return { ok: false, failure: deleted.failure };
  return { ok: true, forgotten: found.original };
}
