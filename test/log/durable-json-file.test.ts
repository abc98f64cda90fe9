import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CorruptFileError, DurableJsonFile } from "../../src/log/durable-json-file.js";
import { names, useTempDirs } from "./helpers.js";

const asRecord = (value: unknown): { n: number } => {
  if (typeof value === "object" && value !== null && "n" in value && typeof value.n === "number") {
    return { n: value.n };
  }
  throw new Error("expected { n: number }");
};

describe("DurableJsonFile", () => {
  const tempDir = useTempDirs();

  it("reads null for a missing file and round-trips a write with mode 0600 and no temp left", async () => {
    const dir = await tempDir();
    const file = new DurableJsonFile(path.join(dir, "a.json"), { parse: asRecord });
    expect(await file.read()).toBeNull();
    await file.write({ n: 1 });
    await file.write({ n: 2 });
    expect(await file.read()).toEqual({ n: 2 });
    expect(await names(dir)).toEqual(["a.json"]);
    expect((await stat(path.join(dir, "a.json"))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, "a.json"), "utf8")).toBe('{"n":2}\n');
  });

  it("throws CorruptFileError naming the file for bad JSON and for the wrong shape", async () => {
    const dir = await tempDir();
    const target = path.join(dir, "b.json");
    const file = new DurableJsonFile(target, { parse: asRecord });
    await writeFile(target, '{"n": 1');
    const error = await file.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(error instanceof CorruptFileError && error.path).toBe(target);
    expect(String(error)).toContain(target);
    await writeFile(target, '{"m": 1}');
    await expect(file.read()).rejects.toThrow(CorruptFileError);
  });

  it("keeps concurrent writes apart (unique temp names) and ends with one of them", async () => {
    const dir = await tempDir();
    const file = new DurableJsonFile(path.join(dir, "c.json"), { parse: asRecord });
    await Promise.all(Array.from({ length: 20 }, (_, n) => file.write({ n })));
    const result = await file.read();
    expect(result?.n).toBeGreaterThanOrEqual(0);
    expect(await names(dir)).toEqual(["c.json"]);
  });
});
