import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { EventLog, type EventLogOptions } from "../../src/log/event-log.js";

/** A fresh temp folder per call, removed after the test. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ws-log-"));
    dirs.push(dir);
    return dir;
  };
}

/** A clock that ticks one second per call, from a fixed start. */
export function fakeClock(start = Date.UTC(2026, 10, 21, 9, 0, 0)): () => Date {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

export function openLog(dir: string, opts: Partial<EventLogOptions> = {}): Promise<EventLog> {
  return EventLog.open({ dir, now: fakeClock(), ...opts });
}

/** Appends events n = from..to with state `s<n>` and snapshot `{ n }`, awaiting the last. */
export async function appendRange(log: EventLog, from: number, to: number): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let n = from; n <= to; n++) pending.push(log.append({ type: "TICK", n }, `s${n}`, () => ({ n })));
  await Promise.all(pending);
}

export async function names(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
