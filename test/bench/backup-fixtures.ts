/**
 * Benchmark data for backups under `<benchRoot>/backup/` (see fixtures.ts), generated once and reused:
 * `data/`: 10k small text files (0.5-4 KiB) plus two 100 MiB files, one random (incompressible, like media
 * or a model) and one JSON-lines log (compressible); `gig/`: the same plus eight more 100 MiB files, about
 * 1 GiB, for the memory check. Contents come from a fixed seed: every run backs up the same bytes.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { benchRoot } from "./fixtures.js";

const FIXTURE_VERSION = 1;
export const backupBenchRoot = path.join(benchRoot, "backup");
const MiB = 1024 * 1024;

export interface BackupFixtures {
  /** The ~250 MB workspace of the speed runs. */
  data: string;
  /** The ~1 GiB workspace of the memory run. */
  gig: string;
  root: string;
}

/** Deterministic bytes: sha256 in counter mode (random-looking, incompressible). */
function randomBlock(seed: string, index: number): Buffer {
  const out = Buffer.alloc(MiB);
  for (let off = 0; off < MiB; off += 32) {
    createHash("sha256").update(`${seed}:${index}:${off}`).digest().copy(out, off);
  }
  return out;
}

const words =
  "agent memory note session tool result the of and to a in is that for it with as was on be at by this backup sync".split(
    " ",
  );

function textOf(seed: number, length: number): string {
  let state = seed;
  let text = "";
  while (text.length < length) {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    text += (words[state % words.length] ?? "x") + (state % 11 === 0 ? "\n" : " ");
  }
  return text.slice(0, length);
}

async function writeLarge(file: string, kind: "random" | "log", seed: string): Promise<void> {
  const handle = await open(file, "w");
  try {
    for (let i = 0; i < 100; i++) {
      if (kind === "random") await handle.write(randomBlock(seed, i));
      else {
        let chunk = "";
        let line = 0;
        while (chunk.length < MiB) {
          chunk += `${JSON.stringify({ t: 1_767_225_600_000 + i * 100_000 + line, level: "info", msg: textOf(i * 7919 + line, 60 + (line % 90)), seq: line })}\n`;
          line++;
        }
        await handle.write(chunk.slice(0, MiB));
      }
    }
  } finally {
    await handle.close();
  }
}

async function writeSet(dir: string, extraLarge: number, log: (line: string) => void): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const folder = path.join(dir, "notes", `d${String(Math.floor(i / 100)).padStart(2, "0")}`);
    if (i % 100 === 0) await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, `n${i}.md`), textOf(i, 512 + ((i * 389) % 3584)));
  }
  await writeLarge(path.join(dir, "media.bin"), "random", "media");
  await writeLarge(path.join(dir, "events.jsonl"), "log", "events");
  for (let i = 0; i < extraLarge; i++) {
    log(`backup fixture: ${path.basename(dir)} large file ${i + 1}/${extraLarge}`);
    await writeLarge(path.join(dir, `large-${i}.bin`), i % 2 === 0 ? "random" : "log", `large-${i}`);
  }
}

export async function ensureBackupFixtures(log: (line: string) => void): Promise<BackupFixtures> {
  const root = backupBenchRoot;
  const fixtures = { data: path.join(root, "data"), gig: path.join(root, "gig"), root };
  const ready = path.join(root, `ready-${FIXTURE_VERSION}.json`);
  if (existsSync(ready)) return fixtures;
  await rm(root, { recursive: true, force: true });
  log("backup fixture: writing 10k small files and two 100 MiB files (once)");
  await writeSet(fixtures.data, 0, log);
  log("backup fixture: writing the 1 GiB set (once)");
  await writeSet(fixtures.gig, 8, log);
  await writeFile(ready, JSON.stringify({ version: FIXTURE_VERSION }));
  return fixtures;
}
