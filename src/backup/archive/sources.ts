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
  /** The archive item it goes under (`cron` on 2026.9 goes under `state`). */
  item: IncludeItem;
  /** The include items that asked for it. */
  for: IncludeItem[];
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

/** One place an include item may live: the archive item it goes under, and which layout it belongs to. */
export interface Candidate {
  item: IncludeItem;
  path: string;
  /** Why this place, for `backup status` and the manifest's notes. */
  layout: string;
}

/**
 * Where an include item may be, in order: OpenClaw 2026.9 keeps sessions, transcripts and cron jobs in SQLite
 * (`agents/<id>/agent/openclaw-agent.sqlite`, `state/openclaw.sqlite`); the legacy folders (`<state>/sessions`,
 * `<state>/cron`) are archived too when they are still there. Every candidate that exists is archived.
 */
export function includeCandidates(item: IncludeItem, roots: SourceRoots): Candidate[] {
  const { workspace, openclawState } = roots;
  const at = (to: IncludeItem, path: string, layout: string): Candidate => ({ item: to, path, layout });
  switch (item) {
    case "workspace":
      return [at("workspace", workspace, "the workspace")];
    case "config":
      return [at("config", join(openclawState, "openclaw.json"), "OpenClaw's config")];
    case "state":
      return [at("state", join(openclawState, "state"), "2026.9: the state database")];
    case "memory":
      return [at("memory", join(workspace, "memory"), "the workspace's memory files")];
    case "skills":
      return [at("skills", join(workspace, "skills"), "the workspace's skills")];
    case "pages":
      return [at("pages", join(workspace, "pages"), "the workspace's pages")];
    case "env":
      return [at("env", join(workspace, ".env"), "the workspace's .env")];
    case "cron":
      return [
        at("state", join(openclawState, "state"), "2026.9: cron jobs live in state/openclaw.sqlite"),
        at("cron", join(openclawState, "cron"), "legacy cron folder"),
      ];
    case "sessions":
    case "transcripts":
      return [
        at(
          "agents",
          join(openclawState, "agents"),
          `2026.9: ${item} live in each agent's openclaw-agent.sqlite`,
        ),
        at("sessions", join(openclawState, "sessions"), `legacy ${item} folder`),
      ];
    default:
      return [at(item, join(openclawState, item), `OpenClaw's ${item} folder`)];
  }
}

/** What an include item resolved to on this machine (`backup status`). */
export interface ResolvedItem {
  item: IncludeItem;
  places: (Candidate & { exists: boolean })[];
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

async function kindAt(path: string): Promise<"dir" | "file" | string> {
  try {
    // A root may be a symlink (a workspace on another disk): follow it; nothing below it is followed.
    const info = await stat(path).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" && (await lstat(path).catch(() => null))) {
        throw Object.assign(new Error("a symlink to nothing"), { code: "EDANGLING" });
      }
      throw error;
    });
    if (info.isDirectory()) return "dir";
    if (info.isFile()) return "file";
    return "skipped: not a folder or a regular file";
  } catch (error) {
    return errnoOf(error) === "ENOENT" ? "skipped: not there" : `skipped: ${messageOf(error)}`;
  }
}

/** Every include item's places and whether each exists (for `backup status`). */
export async function resolveItems(
  include: readonly IncludeItem[],
  roots: SourceRoots,
): Promise<ResolvedItem[]> {
  const out: ResolvedItem[] = [];
  for (const item of [...new Set(include)]) {
    const places = [];
    for (const candidate of includeCandidates(item, roots)) {
      const kind = await kindAt(candidate.path);
      places.push({ ...candidate, exists: kind === "dir" || kind === "file" });
    }
    out.push({ item, places });
  }
  return out;
}

export async function resolveSources(
  include: readonly IncludeItem[],
  roots: SourceRoots,
): Promise<{ sources: Source[]; notes: SourceNote[] }> {
  const found: Source[] = [];
  const notes: SourceNote[] = [];
  for (const item of [...new Set(include)]) {
    const candidates = includeCandidates(item, roots);
    let any = false;
    for (const candidate of candidates) {
      const kind = await kindAt(candidate.path);
      if (kind !== "dir" && kind !== "file") {
        // A missing place is a note only when the item has no other place, or it is not simply absent.
        if (candidates.length === 1 || kind !== "skipped: not there") {
          notes.push({ item, path: candidate.path, note: kind });
        }
        continue;
      }
      any = true;
      const same = found.find((other) => other.path === candidate.path);
      if (same) {
        if (!same.for.includes(item)) same.for.push(item);
        notes.push({ item, path: candidate.path, note: `skipped: the same folder as ${same.for[0]}` });
        continue;
      }
      const base = candidate.path.split(sep).at(-1) ?? candidate.item;
      found.push({
        item: candidate.item,
        for: [item],
        path: candidate.path,
        kind,
        archiveRoot: kind === "dir" ? candidate.item : `${candidate.item}/${base}`,
      });
      if (candidate.item !== item) {
        notes.push({
          item,
          path: candidate.path,
          note: `archived as ${candidate.item} (${candidate.layout})`,
        });
      }
    }
    if (!any && candidates.length > 1) {
      notes.push({
        item,
        path: candidates.map((c) => c.path).join(", "),
        note: "skipped: not there",
      });
    }
  }
  // Outer folders first (a stable sort keeps the include order between equals).
  const sources: Source[] = [];
  for (const source of [...found].sort((a, b) => a.path.length - b.path.length)) {
    const outer = sources.find((other) => other.kind === "dir" && isWithin(source.path, other.path));
    if (outer) {
      notes.push({ item: source.item, path: source.path, note: `skipped: already inside ${outer.item}` });
      continue;
    }
    sources.push(source);
  }
  return { sources, notes };
}
