/**
 * What `backup.include` names, resolved to folders and files on this machine (the OpenClaw layout the
 * existing plugin used): workspace items against the workspace, the rest against OpenClaw's state dir.
 * Missing items are skipped with a note; an item inside another included item is archived once.
 */
import { lstat, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { backupIncludeItems } from "../../config/backup.js";
import { errnoOf, messageOf } from "../../util/errors.js";

export type IncludeItem = (typeof backupIncludeItems)[number];

export interface SourceRoots {
  workspace: string;
  /** OpenClaw's state directory (`$OPENCLAW_STATE_DIR`, default `~/.openclaw`). */
  openclawState: string;
}

export interface Source {
  item: IncludeItem;
  /** Absolute path on this machine. */
  path: string;
  kind: "dir" | "file";
  /** Where it goes in the archive: `<item>` for a folder, `<item>/<basename>` for a file. */
  archiveRoot: string;
}

export interface SourceNote {
  item: IncludeItem;
  path: string;
  note: string;
}

export function includePath(item: IncludeItem, roots: SourceRoots): string {
  const { workspace, openclawState } = roots;
  switch (item) {
    case "workspace":
      return workspace;
    case "config":
      return join(openclawState, "openclaw.json");
    case "memory":
      return join(workspace, "memory");
    case "skills":
      return join(workspace, "skills");
    case "pages":
      return join(workspace, "pages");
    case "env":
      return join(workspace, ".env");
    case "sessions":
    case "transcripts":
      return join(openclawState, "sessions");
    default:
      return join(openclawState, item);
  }
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

export async function resolveSources(
  include: readonly IncludeItem[],
  roots: SourceRoots,
): Promise<{ sources: Source[]; notes: SourceNote[] }> {
  const found: Source[] = [];
  const notes: SourceNote[] = [];
  for (const item of [...new Set(include)]) {
    const path = includePath(item, roots);
    try {
      // A root may be a symlink (a workspace on another disk): follow it; nothing below it is followed.
      const info = await stat(path).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" && (await lstat(path).catch(() => null))) {
          throw Object.assign(new Error("a symlink to nothing"), { code: "EDANGLING" });
        }
        throw error;
      });
      if (!info.isDirectory() && !info.isFile()) {
        notes.push({ item, path, note: "skipped: not a folder or a regular file" });
        continue;
      }
      const kind = info.isDirectory() ? "dir" : "file";
      const base = path.split(sep).at(-1) ?? item;
      found.push({ item, path, kind, archiveRoot: kind === "dir" ? item : `${item}/${base}` });
    } catch (error) {
      const code = errnoOf(error);
      const note = code === "ENOENT" ? "skipped: not there" : `skipped: ${messageOf(error)}`;
      notes.push({ item, path, note });
    }
  }
  // Outer folders first (a stable sort keeps the include order between equals).
  const sources: Source[] = [];
  for (const source of [...found].sort((a, b) => a.path.length - b.path.length)) {
    const outer = sources.find((other) => other.kind === "dir" && isWithin(source.path, other.path));
    if (outer) {
      const note = outer.path === source.path ? "the same folder as" : "already inside";
      notes.push({ item: source.item, path: source.path, note: `skipped: ${note} ${outer.item}` });
      continue;
    }
    sources.push(source);
  }
  return { sources, notes };
}
