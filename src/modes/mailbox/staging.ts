/**
 * The drain's staging folder (`.workspace-sync/incoming`): what rclone copied there, read with the raw
 * bytes of each name (a name that is not valid UTF-8 must still be found), checked against the remote
 * object it came from, and the journal of what was delivered from it (`incoming.delivered`), so that a
 * drain cut short between delivering a file and deleting its remote copy never delivers it twice.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, open, readdir, readFile, rmdir, unlink } from "node:fs/promises";
import { z } from "zod";
import { errnoOf } from "../../util/errors.js";
import type { OutboxEntry } from "./outbox.js";

export interface StagedFile {
  /** Absolute path, raw bytes. */
  raw: Buffer;
  /** Path relative to the staging folder, `/`-separated, decoded as rclone lists it (U+FFFD for bad bytes). */
  key: string;
  size: number;
  /** More than one link: it was already linked into `_inbox` by a drain that was cut short. */
  linked: boolean;
}

const slash = Buffer.from("/");

/** Every file under `root` (symlinks included, never followed), with raw names. Missing root: none. */
export async function stagedFiles(root: string): Promise<StagedFile[]> {
  const out: StagedFile[] = [];
  const walk = async (dir: Buffer, prefix: string): Promise<void> => {
    let entries: import("node:fs").Dirent<Buffer>[];
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: "buffer" });
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return;
      throw error;
    }
    for (const entry of entries) {
      const raw = Buffer.concat([dir, slash, entry.name]);
      const key = `${prefix}${entry.name.toString("utf8")}`;
      if (entry.isDirectory()) await walk(raw, `${key}/`);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        const info = await lstat(raw);
        out.push({ raw, key, size: info.size, linked: info.isFile() && info.nlink > 1 });
      }
    }
  };
  await walk(Buffer.from(root), "");
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function hashOf(file: Buffer, type: "md5" | "sha1"): Promise<string> {
  const hash = createHash(type);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Whether the staged copy is the whole remote object: same size, and same hash when the remote has one. */
export async function isComplete(staged: StagedFile, entry: OutboxEntry): Promise<boolean> {
  if (staged.size !== entry.size) return false;
  if (entry.hash === null) return true;
  return (await hashOf(staged.raw, entry.hash.type)) === entry.hash.value;
}

/** Empty folders left under `root` are removed (never `root` itself). */
export async function removeEmptyDirs(root: string | Buffer): Promise<void> {
  let entries: import("node:fs").Dirent<Buffer>[];
  try {
    entries = await readdir(root, { withFileTypes: true, encoding: "buffer" });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const child = Buffer.concat([Buffer.from(root), slash, entry.name]);
    await removeEmptyDirs(child);
    await rmdir(child).catch(() => undefined);
  }
}

/** One delivered file: its `_outbox` path and where it went (`_inbox`-relative, or the quarantine). */
export interface JournalLine {
  from: string;
  to: string;
  /** The size delivered: the remote copy is deleted only while it still has this size. */
  size: number;
  /**
   * The remote object's modification time as listed: when present, the remote copy is deleted only while
   * it still has this one too (a new upload of the same size is not the file delivered).
   */
  modTime?: string;
  quarantined?: boolean;
}

const lineSchema = z.object({
  from: z.string(),
  to: z.string(),
  size: z.number(),
  modTime: z.string().optional(),
  quarantined: z.boolean().optional(),
});

/**
 * The journal line of a delivery (or a quarantine) could not be written: the delivery was taken back (or
 * the staged file is still linked into `_inbox`, which the next drain recognises), and the remote copy stays.
 */
export class JournalWriteFailed extends Error {
  constructor(
    message: string,
    readonly reason: unknown,
  ) {
    super(message);
  }
}

/** The delivery journal: appended (and synced) after each delivery, removed once the remote copies are gone. */
export function deliveryJournal(file: string) {
  return {
    async read(): Promise<JournalLine[]> {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if (errnoOf(error) === "ENOENT") return [];
        throw error;
      }
      const lines: JournalLine[] = [];
      for (const line of text.split("\n")) {
        if (line === "") continue;
        // A line cut short by a crash is the last one: the nlink check still covers that file.
        const parsed = lineSchema.safeParse(safeJson(line));
        if (parsed.success) lines.push(parsed.data);
      }
      return lines;
    },
    async append(line: JournalLine): Promise<void> {
      const handle = await open(file, "a", 0o600);
      try {
        await handle.write(`${JSON.stringify(line)}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
    async clear(): Promise<void> {
      await unlink(file).catch((error: unknown) => {
        if (errnoOf(error) !== "ENOENT") throw error;
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function removeFile(raw: Buffer): Promise<void> {
  await unlink(raw).catch((error: unknown) => {
    if (errnoOf(error) !== "ENOENT") throw error;
  });
}
