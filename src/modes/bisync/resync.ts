/**
 * Before a real `--resync`: rclone's resync lets the remote's copy (path1) replace a local file that
 * differs. So the local version of each such file is first kept beside it as `<name>.conflict<N>`
 * (an exclusive copy that keeps its time); the resync then carries that copy to the remote too.
 */
import { constants } from "node:fs";
import { copyFile, readFile, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import type { Conflict, FailureReason } from "../../../machines/outcomes.js";
import type { RcloneRun } from "../../effects/rclone-runner.js";
import { type BisyncSettings, filtersFileOf } from "./args.js";
import { localFiles, loserName } from "./conflicts.js";

export async function keepDifferingLocalFiles(
  rclone: RcloneRun,
  settings: BisyncSettings,
  signal: AbortSignal,
): Promise<{ conflicts: Conflict[] } | { failure: FailureReason }> {
  const differ = join(settings.workdir, "resync-differ.txt");
  await rm(differ, { force: true });
  const args = [
    "check",
    settings.remoteRoot,
    settings.localDir,
    "--filter-from",
    filtersFileOf(settings.workdir),
  ];
  const result = await rclone([...args, "--differ", differ], signal);
  // A missing side differs in nothing. Exit 1 with the report written means "differences found":
  // the answer we asked for (files on one side only count too, but only differing ones are listed).
  if (!result.ok && result.failure.kind === "not-found") return { conflicts: [] };
  const text = await readFile(differ, "utf8").catch(() => null);
  if (!result.ok && (result.exitCode !== 1 || text === null)) return { failure: result.failure };
  const paths = (text ?? "").split("\n").filter((line) => line !== "");
  const taken = new Set(await localFiles(settings.localDir));
  const conflicts: Conflict[] = [];
  for (const path of paths) {
    const loser = loserName(path, taken);
    taken.add(loser);
    const from = join(settings.localDir, path);
    const to = join(settings.localDir, loser);
    await copyFile(from, to, constants.COPYFILE_EXCL);
    const info = await stat(from);
    await utimes(to, info.atime, info.mtime);
    conflicts.push({ path, loser, winner: "remote", policy: "remote" });
  }
  await rm(differ, { force: true });
  return { conflicts };
}
