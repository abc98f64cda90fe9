import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EventLog } from "../../src/log/event-log.js";
import { names, useTempDirs } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const eventLogModule = path.join(root, "src/log/event-log.ts");

const writerScript = `
import { EventLog } from ${JSON.stringify(eventLogModule)};
const log = await EventLog.open({ dir: process.argv[2], segmentSize: 20, retainSegments: 100000 });
let n = log.lastSeq;
for (;;) {
  const batch = [];
  for (let i = 0; i < 5; i++) {
    n++;
    batch.push(log.append({ type: "TICK", n, pad: "x".repeat(200) }, "s" + n, () => ({ n })));
  }
  await Promise.all(batch);
  process.stdout.write(n + "\\n");
}
`;

/** Runs the writer until it has acknowledged at least `target` records, then SIGKILLs it. */
async function runAndKill(script: string, dir: string, target: number): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", script, dir], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let acked = 0;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) if (line) acked = Math.max(acked, Number(line));
    if (acked >= target) child.kill("SIGKILL");
  });
  const [code, signal] = await once(child, "exit");
  expect({ code, signal }).toEqual({ code: null, signal: "SIGKILL" });
  return acked;
}

describe("EventLog under SIGKILL", () => {
  const tempDir = useTempDirs();

  it("keeps every acknowledged record, contiguous from 1, with nothing corrupt", async () => {
    const work = await tempDir();
    const dir = path.join(work, "log");
    const script = path.join(work, "writer.mjs");
    await writeFile(script, writerScript);
    let acked = 0;
    for (const target of [150, 400]) {
      acked = await runAndKill(script, dir, target);
      const log = await EventLog.open({ dir, segmentSize: 20 });
      expect(log.recovery.warnings).toEqual([]);
      expect(log.lastSeq).toBeGreaterThanOrEqual(acked);
      const records = await log.read();
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: log.lastSeq }, (_, i) => i + 1));
      expect(records.every((r) => r.event.n === r.seq && r.state === `s${r.seq}`)).toBe(true);
      const { checkpoint, tail } = log.recovery;
      expect(checkpoint?.snapshot).toEqual({ n: checkpoint?.seq });
      expect(tail.map((r) => r.seq)).toEqual(records.slice(checkpoint?.seq ?? 0).map((r) => r.seq));
      await log.close();
    }
    expect((await names(dir)).filter((n) => n.includes(".corrupt-") || n.endsWith(".tmp"))).toEqual([]);
  });
});
