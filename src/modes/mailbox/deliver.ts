/**
 * Delivering one verified staged file into `_inbox` without ever replacing a file: a hard link (or a
 * copy to a hidden temp name, then a link) claims the target name atomically; a taken name gets the next
 * free `name (N).ext`. A name that cannot be written as it is (invalid UTF-8, a control character, too
 * long once numbered, a folder where a file is or the reverse) gets a safe name that keeps the extension.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import {
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  rename,
  stat,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { errnoOf } from "../../util/errors.js";

export interface Delivery {
  /** Path relative to `_inbox` the file now has. */
  to: string;
  /** Path relative to `_outbox` it came with. */
  from: string;
  /** Why `to` differs from `from`: the name was taken, or it could not be written as it is. */
  why?: "taken" | "unsafe-name";
}

/** The longest file name written (bytes); most file systems allow 255. */
const nameMax = 255;

/** `report.pdf` → `report (1).pdf`; `a.tar.gz` → `a (1).tar.gz`; `.env` → `.env (1)`. */
export function candidateName(relativePath: string, n: number, maxBytes = nameMax): string {
  const dir = dirname(relativePath);
  const name = basename(relativePath);
  let ext = extname(name);
  if (ext !== "" && extname(name.slice(0, -ext.length)) === ".tar") ext = `.tar${ext}`;
  if (ext === name || Buffer.byteLength(ext) > maxBytes / 2) ext = "";
  let stem = ext === "" ? name : name.slice(0, -ext.length);
  const suffix = n === 0 ? "" : ` (${n})`;
  // Too long once numbered: the stem is cut (by whole characters) so the name fits, the extension stays.
  while (stem.length > 1 && Buffer.byteLength(`${stem}${suffix}${ext}`) > maxBytes)
    stem = [...stem].slice(0, -1).join("");
  const renamed = `${stem}${suffix}${ext}`;
  return dir === "." ? renamed : join(dir, renamed);
}

/** A control character, or U+FFFD (what a byte that is not UTF-8 decodes to). */
function isUnsafeChar(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || code === 0xfffd;
}

/** A name every file system here can hold: U+FFFD (invalid UTF-8) and control characters become `_`. */
export function safeName(relativePath: string): string {
  return relativePath
    .split("/")
    .map((part) => [...part].map((c) => (isUnsafeChar(c) ? "_" : c)).join(""))
    .map((part) => (part === "" || part === "." || part === ".." ? "_" : part))
    .join("/");
}

const linkUnsupported = new Set(["EPERM", "EXDEV", "ENOTSUP", "EOPNOTSUPP", "EMLINK"]);
/** Temp copies wait at the top of `_inbox` under this prefix; a crash can leave one, removed next drain. */
const tempPrefix = ".wsync-arriving-";

/** Claim `target` for `source` without replacing anything: true when claimed, false when taken. */
async function claim(source: Buffer, target: string, inboxDir: string): Promise<boolean> {
  try {
    await link(source, target);
    return true;
  } catch (error) {
    const code = errnoOf(error) ?? "";
    if (code === "EEXIST") {
      // A crash between link and unlink left the same file in both places: already delivered.
      const [a, b] = await Promise.all([stat(source), stat(target)]);
      return a.ino === b.ino && a.dev === b.dev;
    }
    if (!linkUnsupported.has(code)) throw error;
  }
  // No hard link between staging and `_inbox`: a whole copy under a hidden name first, then published.
  const temp = join(inboxDir, `${tempPrefix}${randomBytes(6).toString("hex")}`);
  try {
    await copyFile(source, temp, constants.COPYFILE_EXCL);
    const info = await stat(source);
    await utimes(temp, info.atime, info.mtime);
    try {
      await link(temp, target);
      return true;
    } catch (error) {
      const code = errnoOf(error) ?? "";
      if (code === "EEXIST") return false;
      if (!linkUnsupported.has(code)) throw error;
    }
    // No hard links at all here: a rename, after checking the name is free.
    if ((await lstat(target).catch(() => null)) !== null) return false;
    await rename(temp, target);
    return true;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Errors that may be the target's own (a read-only or foreign folder inside `_inbox`) or `_inbox`'s. */
const refusedHere = new Set(["EROFS", "EACCES", "EPERM"]);

/**
 * Whether a delivery that failed with `error` failed on this one arrival only: a refusal (read-only,
 * permission) while the top of `_inbox` still takes a new file. A full disk is never one arrival's.
 */
export async function failedOnItsOwn(error: unknown, inboxDir: string): Promise<boolean> {
  const code = errnoOf(error) ?? "";
  if (code === "ENOSPC" || code === "EDQUOT") return false;
  if (!refusedHere.has(code)) return true;
  const probe = join(inboxDir, `${tempPrefix}probe-${randomBytes(6).toString("hex")}`);
  try {
    await writeFile(probe, "", { flag: "wx" });
    await unlink(probe);
    return true;
  } catch {
    return false;
  }
}

/** Temp copies a killed drain left at the top of `_inbox`. */
export async function removeStaleTemps(inboxDir: string): Promise<void> {
  const names = await readdir(inboxDir).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(tempPrefix)) await unlink(join(inboxDir, name)).catch(() => undefined);
}

/** The folders of `relativeDir` under `inboxDir`, made where missing; a part that is a file gets `part (N)`. */
async function folderFor(inboxDir: string, relativeDir: string, maxBytes: number): Promise<string> {
  if (relativeDir === "." || relativeDir === "") return "";
  let resolved = "";
  for (const part of relativeDir.split("/")) {
    for (let n = 0; ; n++) {
      const name = candidateName(part, n, maxBytes);
      const candidate = resolved === "" ? name : join(resolved, name);
      const there = await lstat(join(inboxDir, candidate)).catch(() => null);
      if (there?.isDirectory()) {
        resolved = candidate;
        break;
      }
      if (there !== null) continue;
      try {
        await mkdir(join(inboxDir, candidate));
      } catch (error) {
        if (errnoOf(error) !== "EEXIST") throw error;
        n--; // made meanwhile: look at it again
        continue;
      }
      resolved = candidate;
      break;
    }
  }
  return resolved;
}

/**
 * Deliver `source` (a verified staged file) as `from` into `inboxDir`. Throws what cannot be fixed by a
 * name (the caller quarantines it, or fails the drain when the disk is full).
 */
export async function deliverOne(source: Buffer, from: string, inboxDir: string): Promise<Delivery> {
  const wanted = safeName(from);
  for (let maxBytes = nameMax; ; maxBytes = Math.floor(maxBytes / 2)) {
    try {
      const dir = await folderFor(inboxDir, dirname(wanted), maxBytes);
      const name = basename(wanted);
      for (let n = 0; ; n++) {
        const fileName = candidateName(name, n, maxBytes);
        const to = dir === "" ? fileName : join(dir, fileName);
        const target = join(inboxDir, to);
        if ((await lstat(target).catch(() => null))?.isDirectory()) continue;
        if (await claim(source, target, inboxDir)) {
          if (to === from) return { from, to };
          const cut = maxBytes < nameMax || fileName !== candidateName(name, n, Number.POSITIVE_INFINITY);
          return { from, to, why: wanted !== from || cut ? "unsafe-name" : "taken" };
        }
      }
    } catch (error) {
      if (errnoOf(error) !== "ENAMETOOLONG" || maxBytes < 32) throw error;
    }
  }
}

/** What a drain would do now (dry run): names as they would land, renames included. */
export async function planDelivery(names: readonly string[], inboxDir: string): Promise<Delivery[]> {
  const taken = new Set<string>();
  const plan: Delivery[] = [];
  for (const from of [...names].sort()) {
    const wanted = safeName(from);
    for (let n = 0; ; n++) {
      const to = candidateName(wanted, n);
      const exists = taken.has(to) || (await lstat(join(inboxDir, to)).catch(() => null)) !== null;
      if (!exists) {
        taken.add(to);
        const why = to === from ? undefined : n === 0 ? "unsafe-name" : "taken";
        plan.push(why === undefined ? { from, to } : { from, to, why });
        break;
      }
    }
  }
  return plan;
}

/** Move a staged file that cannot be delivered into `quarantineDir`; returns its new name there. */
export async function quarantine(
  source: Buffer,
  from: string,
  quarantineDir: string,
  at: number,
): Promise<string> {
  await mkdir(quarantineDir, { recursive: true, mode: 0o700 });
  const stamp = new Date(at).toISOString().replace(/[:.]/g, "-");
  const flat = safeName(from).replace(/\//g, "_");
  for (let n = 0; ; n++) {
    const name = candidateName(`${stamp} ${flat}`, n);
    const target = join(quarantineDir, name);
    if ((await lstat(target).catch(() => null)) !== null) continue;
    await rename(source, target);
    return name;
  }
}

/**
 * Undoes a delivery whose journal line could not be written: `_inbox/<to>` is removed while it is still
 * the delivered file (the staged file's own inode, or, where no hard link was possible, the copy of its
 * size published moments ago). The staged file stays, so the next drain delivers it once. False when
 * nothing was removed.
 */
export async function takeBack(source: Buffer, delivery: Delivery, inboxDir: string): Promise<boolean> {
  const target = join(inboxDir, delivery.to);
  const [staged, there] = await Promise.all([
    stat(source).catch(() => null),
    lstat(target).catch(() => null),
  ]);
  if (staged === null || there === null || !there.isFile()) return false;
  const linked = staged.ino === there.ino && staged.dev === there.dev;
  if (!linked && (staged.nlink > 1 || staged.size !== there.size)) return false;
  try {
    await unlink(target);
    return true;
  } catch {
    return false;
  }
}
