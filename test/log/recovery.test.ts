import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { LogRecord } from "../../src/log/event-log.js";
import { appendRange, names, openLog, useTempDirs } from "./helpers.js";

const seqs = (records: LogRecord[]): number[] => records.map((r) => r.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const GARBAGE = '{"records":[{"seq":21,"at":"x"'; // a torn write

async function seed(dir: string, last: number): Promise<void> {
  const log = await openLog(dir, { segmentSize: 10 });
  await appendRange(log, 1, last);
  await log.close();
}

async function asideFiles(dir: string, name: string): Promise<string[]> {
  return (await names(dir)).filter((n) => n.startsWith(`${name}.corrupt-`));
}

describe("EventLog recovery from damaged files", () => {
  const tempDir = useTempDirs();

  it("moves a corrupt newest segment aside, stops the tail before it, and appends on", async () => {
    const dir = await tempDir();
    await seed(dir, 25);
    await writeFile(path.join(dir, "seg-000000000021.json"), GARBAGE);
    const warnings: string[] = [];
    const log = await openLog(dir, { segmentSize: 10, onWarning: (m) => warnings.push(m) });
    expect(log.recovery.checkpoint?.seq).toBe(20);
    expect(log.recovery.tail).toEqual([]);
    expect(log.recovery.warnings).toEqual(warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/seg-000000000021\.json.*corrupt/);
    const aside = await asideFiles(dir, "seg-000000000021.json");
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(dir, aside[0] ?? ""), "utf8")).toBe(GARBAGE);
    expect(log.lastSeq).toBe(20);
    expect((await log.append({ type: "AGAIN" }, "s", () => null)).seq).toBe(21);
    expect(seqs(await log.read())).toEqual(range(1, 21));
    await log.close();
    const again = await openLog(dir, { segmentSize: 10 });
    expect(again.recovery.warnings).toEqual([]);
    expect(seqs(again.recovery.tail)).toEqual([21]);
    await again.close();
  });

  it("moves a corrupt middle segment and every later one aside", async () => {
    const dir = await tempDir();
    await seed(dir, 35);
    for (const seq of ["20", "30"]) await rm(path.join(dir, `checkpoint-0000000000${seq}.json`));
    await writeFile(path.join(dir, "seg-000000000011.json"), "not json at all");
    const log = await openLog(dir, { segmentSize: 10 });
    expect(log.recovery.checkpoint).toBeNull();
    expect(seqs(log.recovery.tail)).toEqual(range(1, 10));
    expect(log.recovery.warnings).toHaveLength(3);
    expect(log.recovery.warnings[1]).toMatch(/seg-000000000021\.json.*follows seg-000000000011\.json/);
    for (const name of ["seg-000000000011.json", "seg-000000000021.json", "seg-000000000031.json"]) {
      expect(await asideFiles(dir, name)).toHaveLength(1);
    }
    expect(
      await readFile(path.join(dir, (await asideFiles(dir, "seg-000000000011.json"))[0] ?? ""), "utf8"),
    ).toBe("not json at all");
    expect(log.lastSeq).toBe(10);
    await appendRange(log, 11, 12);
    expect(seqs(await log.read())).toEqual(range(1, 12));
    await log.close();
  });

  it("treats a segment with wrongly numbered records as corrupt", async () => {
    const dir = await tempDir();
    await seed(dir, 5);
    const file = path.join(dir, "seg-000000000001.json");
    const data = JSON.parse(await readFile(file, "utf8"));
    data.records[2].seq = 99;
    await writeFile(file, JSON.stringify(data));
    const log = await openLog(dir, { segmentSize: 10 });
    expect(log.recovery.tail).toEqual([]);
    expect(log.recovery.warnings[0]).toMatch(/record 2 has seq 99/);
    expect(log.lastSeq).toBe(0);
    await log.close();
  });

  it("falls back to the previous checkpoint when the newest does not parse", async () => {
    const dir = await tempDir();
    await seed(dir, 45);
    await writeFile(path.join(dir, "checkpoint-000000000040.json"), '{"seq":40,"snap');
    const log = await openLog(dir, { segmentSize: 10 });
    expect(log.recovery.checkpoint).toMatchObject({ seq: 30, snapshot: { n: 30 } });
    expect(seqs(log.recovery.tail)).toEqual(range(31, 45));
    expect(log.recovery.warnings).toHaveLength(1);
    expect(log.recovery.warnings[0]).toMatch(/checkpoint-000000000040\.json/);
    expect(await asideFiles(dir, "checkpoint-000000000040.json")).toHaveLength(1);
    expect(log.lastSeq).toBe(45);
    await log.close();
  });

  it("falls back a checkpoint and then stops at a corrupt segment after it", async () => {
    const dir = await tempDir();
    await seed(dir, 45);
    await writeFile(path.join(dir, "checkpoint-000000000040.json"), "{");
    await writeFile(path.join(dir, "seg-000000000031.json"), "{");
    const log = await openLog(dir, { segmentSize: 10 });
    expect(log.recovery.checkpoint?.seq).toBe(30);
    expect(log.recovery.tail).toEqual([]);
    expect(log.recovery.warnings).toHaveLength(3);
    expect(log.lastSeq).toBe(30);
    await appendRange(log, 31, 32);
    expect(seqs(await log.read({ afterSeq: 28 }))).toEqual([29, 30, 31, 32]);
    await log.close();
  });

  it("stops at a gap and sets the segments after it aside", async () => {
    const dir = await tempDir();
    await seed(dir, 25);
    await rm(path.join(dir, "checkpoint-000000000010.json"));
    await rm(path.join(dir, "checkpoint-000000000020.json"));
    await rm(path.join(dir, "seg-000000000011.json"));
    const log = await openLog(dir, { segmentSize: 10 });
    expect(seqs(log.recovery.tail)).toEqual(range(1, 10));
    expect(log.recovery.warnings[0]).toMatch(/seg-000000000021\.json.*gap: expected seq 11/);
    expect(await asideFiles(dir, "seg-000000000021.json")).toHaveLength(1);
    await log.close();
  });

  it("warns that history is gone when no checkpoint is left and seq 1 was compacted", async () => {
    const dir = await tempDir();
    const log = await openLog(dir, { segmentSize: 10, retainSegments: 1 });
    await appendRange(log, 1, 45);
    await log.close();
    for (const name of await names(dir)) if (name.startsWith("checkpoint-")) await rm(path.join(dir, name));
    expect((await names(dir)).filter((n) => n.startsWith("seg-"))).toEqual([
      "seg-000000000031.json",
      "seg-000000000041.json",
    ]);
    const again = await openLog(dir, { segmentSize: 10 });
    expect(again.recovery.checkpoint).toBeNull();
    expect(seqs(again.recovery.tail)).toEqual(range(31, 45));
    expect(again.recovery.warnings).toHaveLength(1);
    expect(again.recovery.warnings[0]).toMatch(/seq 31.*history before it is gone/);
    expect(again.lastSeq).toBe(45);
    await again.close();
  });

  it("read-only: warns about corrupt files but moves and writes nothing", async () => {
    const dir = await tempDir();
    await seed(dir, 45);
    await writeFile(path.join(dir, "checkpoint-000000000040.json"), "{");
    await writeFile(path.join(dir, "seg-000000000041.json"), GARBAGE);
    await writeFile(path.join(dir, "seg-000000000011.json"), GARBAGE);
    const before = await names(dir);
    const warnings: string[] = [];
    const log = await openLog(dir, { segmentSize: 10, readOnly: true, onWarning: (m) => warnings.push(m) });
    expect(log.recovery.checkpoint?.seq).toBe(30);
    expect(seqs(log.recovery.tail)).toEqual(range(31, 40));
    expect(log.recovery.warnings).toHaveLength(2);
    expect(log.recovery.warnings.every((w) => w.startsWith("ignoring "))).toBe(true);
    const records = await log.read();
    expect(seqs(records)).toEqual([...range(1, 10), ...range(21, 40)]);
    expect(warnings.filter((w) => w.startsWith("skipping "))).toHaveLength(2);
    expect(await names(dir)).toEqual(before);
    expect(await readFile(path.join(dir, "seg-000000000041.json"), "utf8")).toBe(GARBAGE);
    await log.close();
  });
});
