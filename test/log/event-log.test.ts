import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EventLog, type LogRecord } from "../../src/log/event-log.js";
import { appendRange, names, openLog, useTempDirs } from "./helpers.js";

const seqs = (records: LogRecord[]): number[] => records.map((r) => r.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("EventLog basics", () => {
  const tempDir = useTempDirs();

  it("round-trips appended records", async () => {
    const dir = path.join(await tempDir(), "log");
    const log = await openLog(dir);
    expect(log.lastSeq).toBe(0);
    expect(log.recovery).toEqual({ checkpoint: null, tail: [], warnings: [] });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const first = await log.append({ type: "START", workspace: "/w" }, "idle", () => null);
    await log.append({ type: "SYNC", nested: { list: [1, "two"] } }, { syncing: "upload" }, () => null);
    expect(first).toEqual({
      seq: 1,
      at: "2026-11-21T09:00:00.000Z",
      event: { type: "START", workspace: "/w" },
      state: "idle",
    });
    expect(await log.read()).toEqual([
      first,
      {
        seq: 2,
        at: "2026-11-21T09:00:01.000Z",
        event: { type: "SYNC", nested: { list: [1, "two"] } },
        state: { syncing: "upload" },
      },
    ]);
    expect(log.lastSeq).toBe(2);
    await log.close();
    await expect(log.append({ type: "LATE" }, "x", () => null)).rejects.toThrow(/closed/);
  });

  it("applies 50 un-awaited appends in call order and numbers them at call time", async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    const resolved: number[] = [];
    const assigned: number[] = [];
    for (let n = 1; n <= 50; n++) {
      void log.append({ type: "TICK", n }, `s${n}`, () => ({ n })).then((r) => resolved.push(r.seq));
      assigned.push(log.lastSeq);
    }
    expect(assigned).toEqual(range(1, 50));
    await log.flush();
    await Promise.resolve();
    expect(resolved).toEqual(range(1, 50));
    const records = await log.read();
    expect(seqs(records)).toEqual(range(1, 50));
    expect(records.map((r) => r.event.n)).toEqual(range(1, 50));
    await log.close();
  });

  it("continues numbering after reopen and returns the tail", async () => {
    const dir = await tempDir();
    const log = await openLog(dir);
    await appendRange(log, 1, 7);
    await log.close();
    const again = await openLog(dir);
    expect(again.lastSeq).toBe(7);
    expect(again.recovery.checkpoint).toBeNull();
    expect(seqs(again.recovery.tail)).toEqual(range(1, 7));
    expect((await again.append({ type: "MORE" }, "s8", () => null)).seq).toBe(8);
    expect(seqs(await again.read())).toEqual(range(1, 8));
    await again.close();
  });

  it("reads with afterSeq and limit across segments", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10 });
    await appendRange(log, 1, 35);
    expect(seqs(await log.read({ limit: 12 }))).toEqual(range(24, 35));
    expect(seqs(await log.read({ afterSeq: 18 }))).toEqual(range(19, 35));
    expect(seqs(await log.read({ afterSeq: 5, limit: 3 }))).toEqual(range(33, 35));
    expect(await log.read({ limit: 0 })).toEqual([]);
    expect(await log.read({ afterSeq: 35 })).toEqual([]);
    await log.close();
  });

  it("refuses to write when read-only, and creates nothing for a missing folder", async () => {
    const dir = path.join(await tempDir(), "absent");
    const log = await EventLog.open({ dir, readOnly: true });
    expect(log.lastSeq).toBe(0);
    await expect(log.append({ type: "X" }, "s", () => null)).rejects.toThrow(/read-only/);
    expect(await log.read()).toEqual([]);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it("stops after a failed write: the append rejects naming the file, later ones and flush too", async () => {
    const dir = path.join(await tempDir(), "log");
    const warnings: string[] = [];
    const log = await openLog(dir, { onWarning: (m) => warnings.push(m) });
    await appendRange(log, 1, 2);
    await rm(dir, { recursive: true });
    const first = log.append({ type: "LOST" }, "s", () => null);
    const second = log.append({ type: "LOST" }, "s", () => null);
    await expect(first).rejects.toThrow(`could not write ${path.join(dir, "seg-000000000001.json")}`);
    await expect(second).rejects.toThrow(/could not write/);
    expect(warnings).toHaveLength(1);
    await expect(log.append({ type: "AFTER" }, "s", () => null)).rejects.toThrow(
      /stopped after a failed write/,
    );
    await expect(log.flush()).rejects.toThrow(/lost writes/);
    await expect(log.close()).rejects.toThrow(/lost writes/);
  });

  it("redacts every string in events and snapshots before they reach the disk", async () => {
    const dir = await tempDir();
    const secret = "hunter2-s3cr3t";
    const redact = (text: string): string => text.replaceAll(secret, "[REDACTED]");
    const log = await openLog(dir, { segmentSize: 2, redact });
    await log.append({ type: "LOGIN", password: secret }, "a", () => ({ token: `x${secret}` }));
    const record = await log.append({ type: "CFG", deep: [{ url: `https://u:${secret}@h` }] }, "b", () => ({
      context: { token: secret, list: [secret] },
    }));
    expect(record.event).toEqual({ type: "CFG", deep: [{ url: "https://u:[REDACTED]@h" }] });
    await log.close();
    const files = await names(dir);
    expect(files).toEqual(["checkpoint-000000000002.json", "seg-000000000001.json"]);
    for (const name of files) {
      const bytes = await readFile(path.join(dir, name), "utf8");
      expect(bytes).not.toContain(secret);
      expect(bytes).toContain("[REDACTED]");
    }
  });
});

describe("EventLog segments, checkpoints and compaction", () => {
  const tempDir = useTempDirs();

  it("rolls over at segmentSize and writes a checkpoint from the filling record's snapshot", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10 });
    const calls: number[] = [];
    for (let n = 1; n <= 25; n++) {
      void log.append({ type: "TICK", n }, `s${n}`, () => {
        calls.push(n);
        return { n };
      });
    }
    await log.flush();
    expect(calls).toEqual([10, 20]);
    expect(await names(dir)).toEqual([
      "checkpoint-000000000010.json",
      "checkpoint-000000000020.json",
      "seg-000000000001.json",
      "seg-000000000011.json",
      "seg-000000000021.json",
    ]);
    const checkpoint = JSON.parse(await readFile(path.join(dir, "checkpoint-000000000020.json"), "utf8"));
    expect(checkpoint).toEqual({ seq: 20, at: "2026-11-21T09:00:19.000Z", snapshot: { n: 20 } });
    const segment = JSON.parse(await readFile(path.join(dir, "seg-000000000011.json"), "utf8"));
    expect(seqs(segment.records)).toEqual(range(11, 20));
    expect(seqs(await log.read())).toEqual(range(1, 25));
    await log.close();
  });

  it("keeps the newest two checkpoints and all segments by default", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10 });
    await appendRange(log, 1, 45);
    const files = await names(dir);
    expect(files.filter((n) => n.startsWith("checkpoint-"))).toEqual([
      "checkpoint-000000000030.json",
      "checkpoint-000000000040.json",
    ]);
    expect(files.filter((n) => n.startsWith("seg-"))).toHaveLength(5);
    await log.close();
  });

  it("compacts segments covered by the oldest kept checkpoint beyond retainSegments", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10, retainSegments: 2 });
    await appendRange(log, 1, 45);
    expect(await names(dir)).toEqual([
      "checkpoint-000000000030.json",
      "checkpoint-000000000040.json",
      "seg-000000000031.json",
      "seg-000000000041.json",
    ]);
    expect(seqs(await log.read())).toEqual(range(31, 45));
    await log.close();
    const again = await openLog(dir, { segmentSize: 10, retainSegments: 2 });
    expect(again.recovery.warnings).toEqual([]);
    expect(again.recovery.checkpoint?.seq).toBe(40);
    await again.close();
  });

  it("recovers checkpoint + tail equal to what was appended", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10 });
    await appendRange(log, 1, 47);
    const all = await log.read();
    await log.close();
    const again = await openLog(dir, { segmentSize: 10 });
    expect(again.recovery.checkpoint).toEqual({ seq: 40, at: all[39]?.at, snapshot: { n: 40 } });
    expect(again.recovery.tail).toEqual(all.slice(40));
    expect(again.recovery.warnings).toEqual([]);
    await appendRange(again, 48, 52);
    expect(seqs(await again.read())).toEqual(range(1, 52));
    expect(await names(dir)).toContain("seg-000000000051.json");
    await again.close();
  });

  it("ignores and then removes temp files left by a crash", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10 });
    await appendRange(log, 1, 13);
    await log.close();
    const stray = ".seg-000000000011.json.4242.abcdef012345.tmp";
    await writeFile(path.join(dir, stray), '{"records":[{"seq":');
    const readOnly = await openLog(dir, { segmentSize: 10, readOnly: true });
    expect(readOnly.recovery.warnings).toEqual([]);
    expect(await names(dir)).toContain(stray);
    const again = await openLog(dir, { segmentSize: 10 });
    expect(again.recovery.warnings).toEqual([]);
    expect(seqs(again.recovery.tail)).toEqual(range(11, 13));
    expect(await names(dir)).not.toContain(stray);
    expect((await again.append({ type: "NEXT" }, "s", () => null)).seq).toBe(14);
    await again.close();
  });
});

describe("EventLog checkpoint cadence", () => {
  const tempDir = useTempDirs();
  it("checkpoints every checkpointEvery records and on request, so recovery replays a short tail", async () => {
    const dir = await tempDir();
    const log = await EventLog.open({ dir, segmentSize: 1000, checkpointEvery: 25 });
    for (let i = 1; i <= 60; i++) void log.append({ type: "tick", n: i }, "s", () => ({ n: i }));
    await log.append({ type: "stop" }, "s", () => ({ n: 61 }), { checkpoint: true });
    await log.close();
    const files = (await names(dir)).filter((n) => n.startsWith("checkpoint-"));
    // Two newest kept: the one at 50 and the requested one at 61.
    expect(files).toEqual(["checkpoint-000000000050.json", "checkpoint-000000000061.json"]);
    const again = await EventLog.open({ dir, readOnly: true });
    expect(again.recovery.checkpoint).toMatchObject({ seq: 61, snapshot: { n: 61 } });
    expect(again.recovery.tail).toEqual([]);
    await again.close();
  });
});

describe("EventLog error values", () => {
  const tempDir = useTempDirs();
  it("stores an Error as {name, message, code}, never {}", async () => {
    const dir = await tempDir();
    const log = await EventLog.open({ dir });
    const error = Object.assign(new TypeError("disk on fire"), { code: "EFIRE" });
    const record = await log.append({ type: "pushFailed", cause: error }, "s", () => null);
    expect(record.event.cause).toEqual({ name: "TypeError", message: "disk on fire", code: "EFIRE" });
    await log.close();
  });
});
