/**
 * `copySymlinks: true`, as the original plugin meant it: rclone follows symlinks (`--copy-links`), so the
 * linked content is synced, except links that must not be followed, which are excluded and listed as a
 * warning: a link resolving outside the workspace (it would upload, or a pull would overwrite, what it points
 * at), into the tool's own `.workspace-sync/`, a broken link, and a link to a folder that holds it (a loop rclone
 * would walk forever). Links inside followed folders are judged the same way.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface SkippedLink {
  /** The link's path as rclone sees it: relative to the synced folder, `/`-separated. */
  path: string;
  /** Where it leads (resolved), or its own text when broken. */
  target: string;
  why: "outside the workspace" | "the tool's own folder" | "broken" | "a loop";
}

function within(root: string, path: string): boolean {
  const seen = relative(root, path);
  return seen === "" || (!seen.startsWith(`..${sep}`) && seen !== ".." && !seen.startsWith(sep));
}

/** Every symlink under `localDir` (through the followed ones) that must not be followed, sorted by path. */
export async function linksToSkip(
  localDir: string,
  workspace: string,
  toolDir: string,
): Promise<SkippedLink[]> {
  const skipped: SkippedLink[] = [];
  let root: string;
  let realWorkspace: string;
  try {
    [root, realWorkspace] = await Promise.all([realpath(localDir), realpath(workspace)]);
  } catch {
    return skipped; // no synced folder yet: nothing to follow
  }
  const realTool = await realpath(toolDir).catch(() => toolDir);
  const walk = async (dir: string, prefix: string, ancestors: readonly string[]): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full, path, [...ancestors, full]);
        continue;
      }
      if (!entry.isSymbolicLink()) continue;
      const target = await realpath(full).catch(() => null);
      if (target === null) {
        skipped.push({ path, target: full, why: "broken" });
      } else if (!within(realWorkspace, target)) {
        skipped.push({ path, target, why: "outside the workspace" });
      } else if (within(realTool, target)) {
        skipped.push({ path, target, why: "the tool's own folder" });
      } else if ((await stat(target)).isDirectory()) {
        if (ancestors.some((a) => within(target, a))) skipped.push({ path, target, why: "a loop" });
        else await walk(target, path, [...ancestors, target]);
      }
    }
  };
  await walk(root, "", [root]);
  return skipped.sort((a, b) => a.path.localeCompare(b.path));
}

/** `path` as an rclone filter that matches only itself (anchored, special characters escaped). */
function literal(path: string): string {
  return `/${path.replace(/[\\*?[\]{}]/g, "\\$&")}`;
}

/** rclone's flags for a run that touches the synced folder: follow links, minus the skipped ones (and all below). */
export function followLinksArgs(skipped: readonly SkippedLink[]): string[] {
  const args = ["--copy-links"];
  for (const link of skipped)
    args.push("--exclude", literal(link.path), "--exclude", `${literal(link.path)}/**`);
  return args;
}

/** The warning that lists the skipped links (at most `shown`, then how many more). */
export function skippedLinksWarning(skipped: readonly SkippedLink[], shown = 10): string {
  const listed = skipped.slice(0, shown).map((l) => `${l.path} -> ${l.target} (${l.why})`);
  const more = skipped.length > shown ? `, and ${skipped.length - shown} more` : "";
  return `copySymlinks: ${skipped.length} symlink(s) not followed, so not synced: ${listed.join("; ")}${more}`;
}

/** rclone commands that only look: they get the same flags (so counts match), but no warning. */
const lookingCommands = new Set(["lsf", "lsjson", "ls", "lsl", "size", "check", "md5sum", "hashsum"]);

/** What a run over the synced folder gets: its flags, or a refusal (a broken link rclone cannot follow). */
export interface LinkRun {
  args: string[];
  /** Why the run must not start (rclone following links fails its whole listing on a broken one); null: run. */
  refusal: { message: string; hint: string } | null;
}

/**
 * Extra flags for each rclone run of a workspace with `copySymlinks: true`: a run over the synced folder (or a
 * folder in it) gets {@link followLinksArgs} from a fresh scan of that folder; a transferring run (a cycle's
 * push, pull or bisync: one a cycle) warns about the skipped links. A broken link refuses the run: rclone
 * cannot exclude it (it fails the listing before filters apply), and a failed listing must not pass for an
 * empty folder. Runs on the remote only get nothing.
 */
export function followLinks(input: {
  localDir: string;
  workspace: string;
  toolDir: string;
  warn: (message: string) => void;
}): (args: readonly string[]) => Promise<LinkRun> {
  const { localDir } = input;
  return async (args) => {
    const root = args.find((a) => a === localDir || a.startsWith(`${localDir}${sep}`));
    if (root === undefined) return { args: [], refusal: null };
    const skipped = await linksToSkip(root, input.workspace, input.toolDir);
    const broken = skipped.filter((l) => l.why === "broken");
    if (broken.length > 0) {
      const listed = broken.slice(0, 10).map((l) => l.path);
      return {
        args: [],
        refusal: {
          message: `copySymlinks: ${broken.length} broken symlink(s) in ${root}, which rclone cannot follow: ${listed.join(", ")}${broken.length > 10 ? ", ..." : ""}`,
          hint: "Fix or remove them, or set `copySymlinks: false` (symlinks are then skipped)",
        },
      };
    }
    if (skipped.length > 0 && !lookingCommands.has(args[0] ?? "")) input.warn(skippedLinksWarning(skipped));
    return { args: followLinksArgs(skipped), refusal: null };
  };
}
