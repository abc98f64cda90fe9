/**
 * Edits made while bisync runs, on rclone < 1.66. That bisync lists both sides at the start
 * (`<session>.path1.lst-new`, `.path2.lst-new`), copies, and then, on a side it copied into, lists that side
 * again for its final listing. An edit made on that side meanwhile is then recorded as already synced: the
 * next run sees no change and never copies it (measured on 1.60.1: `rclone check` finds the file differs
 * while every later run says 0 transferred). A file created there meanwhile makes the two final listings
 * disagree, which 1.60's own `--check-sync` turns into "Must run --resync".
 *
 * So on those versions bisync keeps its start listings (`--no-cleanup`), skips its own final check
 * (`--check-sync=false`), and after each successful run this module compares the two final listings. A
 * name they disagree on (on one side only, or another size, hash or modification time) was changed during
 * the run: on each side bisync listed again, its entry goes back to what the start listing held, so the
 * next run sees the change and carries it over. If the two listings still disagree on the name (it came or
 * went on a side bisync did not list again), it is dropped from both: bisync then treats each copy as new,
 * which copies and never deletes. After the repair the two listings agree on every name, which is what
 * `--check-sync` checked.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileDurably } from "../../util/durable-file.js";

/** One listing line, kept as written, with what the comparison reads. */
interface Entry {
  line: string;
  size: number;
  hash: string;
  modtime: number;
}

interface Listing {
  header: string[];
  entries: Map<string, Entry>;
}

/** `- 2 md5:60b7… - 2026-12-02T07:06:18.168446061+0000 "a.txt"`: flags, size, hash, id, modtime, name. */
const linePattern = /^(\S+)\s+(-?\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(".*")$/;

/** Modification times closer than this are the same (backends keep them at 1 s precision or better). */
const modtimeToleranceMs = 1_000;

function parseModtime(text: string): number {
  // Go's `2006-01-02T15:04:05.000000000-0700`: nanoseconds, and an offset without a colon.
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d\d)(\d\d)$/.exec(text);
  if (!match) return Number.NaN;
  const millis = (match[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${match[1]}.${millis}${match[3]}:${match[4]}`);
}

function parseListing(text: string): Listing {
  const header: string[] = [];
  const entries = new Map<string, Entry>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const match = linePattern.exec(line);
    if (!match) {
      header.push(line);
      continue;
    }
    const [, , size, hash, , modtime, name] = match;
    entries.set(name ?? "", {
      line,
      size: Number(size),
      hash: hash ?? "-",
      modtime: parseModtime(modtime ?? ""),
    });
  }
  return { header, entries };
}

function formatListing(listing: Listing): string {
  return [...listing.header, ...[...listing.entries.values()].map((e) => e.line), ""].join("\n");
}

/** Whether two sides' entries for one name describe different content. */
function differ(a: Entry | undefined, b: Entry | undefined): boolean {
  if (a === undefined || b === undefined) return a !== b;
  if (a.size !== b.size) return true;
  const [typeA, valueA] = a.hash.split(":");
  const [typeB, valueB] = b.hash.split(":");
  if (valueA && valueB && typeA === typeB) return valueA !== valueB;
  if (Number.isNaN(a.modtime) || Number.isNaN(b.modtime)) return false;
  return Math.abs(a.modtime - b.modtime) > modtimeToleranceMs;
}

/** The name as a person reads it (the listing writes it quoted). */
function displayName(quoted: string): string {
  try {
    const name: unknown = JSON.parse(quoted);
    return typeof name === "string" ? name : quoted;
  } catch {
    return quoted.slice(1, -1);
  }
}

interface Side {
  file: string;
  final: Listing;
  /** The start listing, when bisync listed this side again at the end; null when it did not. */
  start: Listing | null;
}

async function readSide(workdir: string, session: string, side: 1 | 2, since: number): Promise<Side | null> {
  const file = join(workdir, `${session}.path${side}.lst`);
  const startFile = `${file}-new`;
  const finalText = await readFile(file, "utf8").catch(() => null);
  if (finalText === null) return null;
  // A start listing from an earlier run (this one failed before writing it) is not this run's.
  const made = await stat(startFile).catch(() => null);
  const startText =
    made !== null && made.mtimeMs >= since - 100 ? await readFile(startFile, "utf8").catch(() => null) : null;
  if (startText === null) return null;
  return {
    file,
    final: parseListing(finalText),
    start: startText === finalText ? null : parseListing(startText),
  };
}

/**
 * After a successful bisync run that started at `since` (epoch ms): finds the names changed during the
 * run and repairs the final listings so the next run carries them over. Returns those names (empty when
 * nothing changed during the run, or when the start listings are not there to compare with).
 */
export async function repairChangedDuringRun(workdir: string, since: number): Promise<string[]> {
  const names = await readdir(workdir).catch((): string[] => []);
  const sessions = names.filter((n) => n.endsWith(".path1.lst")).map((n) => n.slice(0, -".path1.lst".length));
  const changed: string[] = [];
  for (const session of sessions) {
    const one = await readSide(workdir, session, 1, since);
    const two = await readSide(workdir, session, 2, since);
    if (one === null || two === null) continue;
    const all = new Set([...one.final.entries.keys(), ...two.final.entries.keys()]);
    const divergent = [...all].filter((n) => differ(one.final.entries.get(n), two.final.entries.get(n)));
    if (divergent.length === 0) continue;
    for (const name of divergent) {
      for (const side of [one, two]) {
        if (side.start === null) continue;
        const before = side.start.entries.get(name);
        if (before === undefined) side.final.entries.delete(name);
        else side.final.entries.set(name, before);
      }
      if (one.final.entries.has(name) !== two.final.entries.has(name)) {
        one.final.entries.delete(name);
        two.final.entries.delete(name);
      }
      changed.push(displayName(name));
    }
    for (const side of [one, two]) await writeFileDurably(side.file, formatListing(side.final));
  }
  return changed;
}
