/**
 * Conflicts: a file changed on both sides since the last bisync. The winner keeps the name; the loser
 * is kept beside it as `<name>.conflict<N>` on both sides, so neither version is lost.
 *
 * rclone >= 1.66 does this itself (`--conflict-resolve/--conflict-loser num/--conflict-suffix conflict`):
 * we only find the new `.conflict<N>` files. Older rclone renames both copies `<name>..path1` (the
 * remote's) and `<name>..path2` (the local one) on both sides; we resolve each pair on the local side
 * by the policy, and a settling bisync carries the renames to the remote.
 */
import { lstat, readdir, rename, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Conflict } from "../../../machines/outcomes.js";
import { errnoOf } from "../../util/errors.js";
import type { ConflictPolicy } from "./args.js";

const pathSuffix = /\.\.path([12])$/;
const loserSuffix = /\.conflict\d+$/;

/** Every file under `root` (relative, `/`-separated), skipping the tool's own folder. */
export async function localFiles(root: string): Promise<string[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((p) => !p.startsWith(".workspace-sync/"))
    .sort();
}

export function loserFiles(files: readonly string[]): Set<string> {
  return new Set(files.filter((f) => loserSuffix.test(f)));
}

/** The first `<base>.conflict<N>` not taken. */
export function loserName(base: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const name = `${base}.conflict${n}`;
    if (!taken.has(name)) return name;
  }
}

/** Conflicts rclone >= 1.66 resolved: the `.conflict<N>` files that appeared during the run. */
export function nativeConflicts(
  before: ReadonlySet<string>,
  after: readonly string[],
  policy: ConflictPolicy,
): Conflict[] {
  const winner = policy === "newer" ? {} : { winner: policy };
  return after
    .filter((f) => loserSuffix.test(f) && !before.has(f))
    .map((loser) => ({ path: loser.replace(loserSuffix, ""), loser, policy, ...winner }));
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

async function pickWinner(dir: string, base: string, policy: ConflictPolicy): Promise<"local" | "remote"> {
  if (policy !== "newer") return policy;
  const [remote, local] = await Promise.all([
    stat(join(dir, `${base}..path1`)),
    stat(join(dir, `${base}..path2`)),
  ]);
  // Equal times: the remote's copy keeps the name, as rclone's own resync would.
  return local.mtimeMs > remote.mtimeMs ? "local" : "remote";
}

export interface LegacyResolution {
  conflicts: Conflict[];
  /** Local renames made: when any, a settling bisync must carry them to the remote. */
  renames: number;
}

/**
 * Resolves rclone < 1.66's `..path1`/`..path2` pairs in the local folder. The caller runs a settling
 * bisync so the remote gets the same names.
 */
export async function resolveLegacyConflicts(
  localDir: string,
  policy: ConflictPolicy,
): Promise<LegacyResolution> {
  const files = await localFiles(localDir);
  const taken = new Set(files);
  const bases = [...new Set(files.filter((f) => pathSuffix.test(f)).map((f) => f.replace(pathSuffix, "")))];
  const conflicts: Conflict[] = [];
  let renames = 0;
  for (const base of bases) {
    const has1 = taken.has(`${base}..path1`);
    const has2 = taken.has(`${base}..path2`);
    if (await exists(join(localDir, base))) continue; // a new file took the name meanwhile: leave both copies
    if (!(has1 && has2)) {
      await rename(join(localDir, `${base}..path${has1 ? 1 : 2}`), join(localDir, base));
      renames += 1;
      continue;
    }
    const winner = await pickWinner(localDir, base, policy);
    const [win, lose] = winner === "remote" ? ["path1", "path2"] : ["path2", "path1"];
    const loser = loserName(base, taken);
    taken.add(loser);
    await rename(join(localDir, `${base}..${win}`), join(localDir, base));
    await rename(join(localDir, `${base}..${lose}`), join(localDir, loser));
    renames += 2;
    conflicts.push({ path: base, loser, winner, policy });
  }
  return { conflicts, renames };
}
