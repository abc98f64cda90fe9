/**
 * The archive, without rclone: what the packer writes the strict reader reads back; files that vanish,
 * grow or shrink while archived are skipped or recorded; the reader refuses cut and foreign archives; the
 * staging writer refuses every entry that could land outside its folder.
 */
import { appendFile, mkdir, mkdtemp, readFile, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { excludeMatcher } from "../../src/backup/archive/exclude.js";
import { emptyTotals, packEntries } from "../../src/backup/archive/pack.js";
import { resolveSources } from "../../src/backup/archive/sources.js";
import { headerFor, paddingFor } from "../../src/backup/archive/tar-header.js";
import { type TarEntry, TarReader } from "../../src/backup/archive/tar-reader.js";
import { type Skipped, walkSources } from "../../src/backup/archive/walk.js";
import { StagingWriter, safeSegments } from "../../src/backup/restore-writer.js";
import { makeTree, treeOf } from "./helpers.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wsync-archive-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function pack(dir: string, exclude: string[] = []) {
  const totals = emptyTotals();
  const skipped: Skipped[] = [];
  const sources = [
    {
      item: "workspace" as const,
      for: ["workspace" as const],
      path: dir,
      kind: "dir" as const,
      archiveRoot: "workspace",
    },
  ];
  const walk = walkSources(sources, {
    exclude: excludeMatcher(exclude),
    excludeAbsolute: [],
    onSkip: (s) => skipped.push(s),
  });
  return { generator: packEntries(walk, totals, (s) => skipped.push(s)), totals, skipped };
}

async function readAll(chunks: Buffer[]) {
  const entries: TarEntry[] = [];
  const reader = new TarReader({
    onEntry: (e) => void entries.push(e),
    onData: () => undefined,
    onEntryEnd: () => undefined,
  });
  await pipeline(Readable.from(chunks), reader);
  return entries;
}

describe("archive", () => {
  it("round trips a tree through the packer, the strict reader and the staging writer", async () => {
    const source = join(root, "ws");
    await makeTree(source);
    const { generator, totals } = await pack(source);
    const chunks: Buffer[] = [];
    for await (const chunk of generator) chunks.push(chunk);
    const staging = join(root, "staging");
    await mkdir(staging);
    const writer = new StagingWriter(staging);
    await pipeline(Readable.from(chunks), new TarReader(writer));
    await writer.finish();
    expect(await treeOf(join(staging, "workspace"))).toEqual(await treeOf(source));
    expect(totals.symlinks).toBe(3);
    // GNU tar reads it too (checked in the e2e tests through the age CLI); ustar magic is in place.
    expect(chunks[0]?.subarray(257, 262).toString()).toBe("ustar");
  });

  it("skips a file that vanished before it was read, and leaves out excluded and own paths", async () => {
    const source = join(root, "ws");
    await mkdir(join(source, ".workspace-sync"), { recursive: true });
    await mkdir(join(source, "node_modules", "x"), { recursive: true });
    await writeFile(join(source, "node_modules", "x", "i.js"), "x");
    await writeFile(join(source, ".workspace-sync", "cycle.lock"), "1");
    await writeFile(join(source, "keep.md"), "k");
    await writeFile(join(source, "gone.md"), "g");
    await writeFile(join(source, "x.tmp"), "t");
    const { generator, skipped } = await pack(source, ["/.workspace-sync", "node_modules", "*.tmp"]);
    const first = await generator.next();
    await unlink(join(source, "gone.md"));
    const chunks = [first.value as Buffer];
    for await (const chunk of generator) chunks.push(chunk);
    const names = (await readAll(chunks)).map((e) => e.path);
    expect(names).toEqual(["workspace", "workspace/keep.md"]);
    expect(skipped).toEqual([{ path: "workspace/gone.md", reason: "vanished while being archived" }]);
  });

  it.each([
    ["grows", (file: string) => appendFile(file, Buffer.alloc(4096, 1))],
    ["shrinks", (file: string) => truncate(file, 1000)],
  ])(
    "records a large file that %s while streamed as skipped, keeping the archive well formed",
    async (_how, change) => {
      const source = join(root, "ws");
      await mkdir(source, { recursive: true });
      const big = join(source, "big.bin");
      await writeFile(big, Buffer.alloc(3 * 1024 * 1024, 7));
      await writeFile(join(source, "z-after.md"), "after");
      const { generator, skipped, totals } = await pack(source);
      const chunks: Buffer[] = [];
      let changed = false;
      for await (const chunk of generator) {
        chunks.push(chunk);
        if (!changed && chunks.length === 3) {
          await change(big);
          changed = true;
        }
      }
      const entries = await readAll(chunks);
      expect(entries.map((e) => e.path)).toEqual(["workspace", "workspace/big.bin", "workspace/z-after.md"]);
      expect(entries[1]?.size).toBe(3 * 1024 * 1024);
      expect(skipped).toEqual([
        { path: "workspace/big.bin", reason: "changed while being read", inArchive: true },
      ]);
      expect(totals.files).toBe(1);
    },
  );

  it("refuses a cut archive, a bad checksum and data after the end", async () => {
    const header = headerFor(
      "workspace/a.txt",
      "file",
      { mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) },
      5,
    );
    const body = Buffer.concat([Buffer.from("hello"), paddingFor(5)]);
    await expect(readAll([header, body])).rejects.toThrow(/without its end marker/);
    await expect(readAll([header, Buffer.from("he")])).rejects.toThrow(/cut in the middle/);
    const bad = Buffer.from(header);
    bad[0] = (bad[0] ?? 0) ^ 1;
    await expect(readAll([bad, body, Buffer.alloc(1024)])).rejects.toThrow(/bad checksum/);
    await expect(readAll([header, body, Buffer.alloc(1024), Buffer.from("x")])).rejects.toThrow(
      /after the end/,
    );
    expect((await readAll([header, body, Buffer.alloc(1024)])).map((e) => e.path)).toEqual([
      "workspace/a.txt",
    ]);
  });

  it("refuses entries that would escape the staging folder", async () => {
    for (const path of [
      "/etc/passwd",
      "workspace/../../x",
      "../x",
      "workspace/./a",
      "other/a",
      "workspace//a",
      "",
    ]) {
      expect(() => safeSegments(path), path).toThrow(/refused entry/);
    }
    const staging = join(root, "staging");
    await mkdir(staging);
    const writer = new StagingWriter(staging);
    const stats = { mode: 0o777, uid: 0, gid: 0, mtime: new Date(0) };
    const chunks = [
      headerFor("workspace/out", "symlink", stats, 0, root),
      headerFor("workspace/out/evil.txt", "file", { ...stats, mode: 0o644 }, 4),
      Buffer.concat([Buffer.from("evil"), paddingFor(4)]),
      Buffer.alloc(1024),
    ];
    await expect(pipeline(Readable.from(chunks), new TarReader(writer))).rejects.toThrow(/below a symlink/);
    await expect(readFile(join(root, "evil.txt"))).rejects.toThrow();
  });

  it("resolves the include set: missing items are noted, nested and repeated ones archived once", async () => {
    const workspace = join(root, "ws");
    const openclawState = join(root, "oc");
    await mkdir(join(workspace, "memory"), { recursive: true });
    await mkdir(join(openclawState, "sessions"), { recursive: true });
    await writeFile(join(openclawState, "openclaw.json"), "{}");
    const { sources, notes } = await resolveSources(
      ["memory", "workspace", "config", "cron", "sessions", "transcripts"],
      { workspace, openclawState },
    );
    expect(sources.map((s) => [s.item, s.archiveRoot])).toEqual([
      ["workspace", "workspace"],
      ["sessions", "sessions"],
      ["config", "config/openclaw.json"],
    ]);
    expect(notes.map((n) => `${n.item}: ${n.note}`).sort()).toEqual([
      "cron: skipped: not there",
      "memory: skipped: already inside workspace",
      "transcripts: skipped: the same folder as sessions",
    ]);
  });
});
