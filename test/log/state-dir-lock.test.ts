import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  acquireStateDirLock,
  type LockHolder,
  readStateDirLock,
  StateDirBusyError,
} from "../../src/log/state-dir-lock.js";
import { bootId as readBootId } from "../../src/util/process.js";
import { useTempDirs } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A child that waits for `startAt` (ms since epoch), tries the lock, prints won/busy, and holds a win. */
const racerScript = `
import { acquireStateDirLock } from ${JSON.stringify(path.join(root, "src/log/state-dir-lock.ts"))};
const [dir, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {}
try {
  await acquireStateDirLock(dir);
  process.stdout.write("won");
  await new Promise((resolve) => setTimeout(resolve, 60_000));
} catch (error) {
  process.stdout.write(error.name === "StateDirBusyError" ? "busy" : String(error));
}
`;

async function writeLock(dir: string, holder: Partial<LockHolder> & { pid: number }): Promise<string> {
  const lockPath = path.join(dir, "host.lock");
  const full: LockHolder = {
    hostname: hostname(),
    bootId: await readBootId(),
    startedAt: new Date().toISOString(),
    command: "workspace-sync",
    ...holder,
  };
  await writeFile(lockPath, JSON.stringify(full));
  return lockPath;
}

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("spawn gave no pid");
  return child.pid;
}

describe("state directory lock", () => {
  const tempDir = useTempDirs();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
  });
  function liveChildPid(): number {
    const child = spawn("sleep", ["30"]);
    children.push(child);
    if (child.pid === undefined) throw new Error("spawn gave no pid");
    return child.pid;
  }

  it("takes a free directory, refuses a second holder, and releases", async () => {
    const dir = path.join(await tempDir(), "state");
    const lock = await acquireStateDirLock(dir, { command: "workspace-sync host" });
    expect(lock.path).toBe(path.join(dir, "host.lock"));
    expect((await stat(lock.path)).mode & 0o777).toBe(0o600);
    const holder = await readStateDirLock(dir);
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), command: "workspace-sync host" });
    const error = await acquireStateDirLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirBusyError);
    expect(String(error)).toContain(`pid ${process.pid}`);
    await lock.release();
    await expect(stat(lock.path)).rejects.toThrow(/ENOENT/);
    expect(await readStateDirLock(dir)).toBeNull();
    await lock.release();
  });

  it("refuses a lock held by another live process, naming its pid", async () => {
    const dir = await tempDir();
    const pid = liveChildPid();
    const lockPath = await writeLock(dir, { pid, startedAt: "2026-11-21T09:00:00.000Z" });
    const error = await acquireStateDirLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirBusyError);
    if (!(error instanceof StateDirBusyError)) return;
    expect(error.message).toBe(
      `state directory ${dir} is in use by workspace-sync (pid ${pid}, started 2026-11-21T09:00:00.000Z); ` +
        "stop that process first",
    );
    expect(error.holder.pid).toBe(pid);
    expect(error.lockPath).toBe(lockPath);
    expect((await readStateDirLock(dir))?.pid).toBe(pid);
  });

  it.each([
    ["a dead pid", async () => ({ pid: await deadPid() })],
    ["another boot", async () => ({ pid: liveChildPid(), bootId: "00000000-other-boot" })],
  ])("takes over a stale lock from %s", async (_label, makeHolder) => {
    const dir = await tempDir();
    await writeLock(dir, await makeHolder());
    expect(await readStateDirLock(dir)).toBeNull();
    const lock = await acquireStateDirLock(dir);
    expect(JSON.parse(await readFile(lock.path, "utf8")).pid).toBe(process.pid);
    await lock.release();
    await expect(stat(lock.path)).rejects.toThrow(/ENOENT/);
  });

  it("takes over an unparsable lock and one whose pid now names a different process", async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, "host.lock");
    await writeFile(lockPath, "{garbage");
    const first = await acquireStateDirLock(dir);
    await first.release();
    const reused = { pid: process.pid, pidStartTicks: 1 }; // our pid, but a process that started at tick 1
    await writeLock(dir, reused);
    const second = await acquireStateDirLock(dir);
    await second.release();
  });

  it("lets exactly one of several racing acquirers take a stale lock", async () => {
    const dir = await tempDir();
    await writeLock(dir, { pid: await deadPid() });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireStateDirLock(dir)));
    const won = results.filter((r) => r.status === "fulfilled");
    const busy = results.filter((r) => r.status === "rejected" && r.reason instanceof StateDirBusyError);
    expect(won).toHaveLength(1);
    expect(busy).toHaveLength(5);
  });

  it("release leaves a lock that someone else holds now", async () => {
    const dir = await tempDir();
    const lock = await acquireStateDirLock(dir);
    const pid = liveChildPid();
    await writeLock(dir, { pid });
    await lock.release();
    expect((await readStateDirLock(dir))?.pid).toBe(pid);
  });

  it("lets exactly one of several racing processes take a stale lock", async () => {
    const dir = await tempDir();
    await writeLock(dir, { pid: await deadPid() });
    const script = path.join(dir, "racer.mjs");
    await writeFile(script, racerScript);
    const startAt = String(Date.now() + 1500);
    // Each racer reports once; the winner keeps holding until every racer has reported.
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ["--import", "tsx", script, dir, startAt], {
          cwd: root,
          stdio: ["ignore", "pipe", "inherit"],
        });
        children.push(child);
        return new Promise<string>((resolve) => {
          child.stdout.setEncoding("utf8").once("data", (chunk: string) => resolve(chunk));
          child.once("exit", (code) => resolve(`exited with ${code} before reporting`));
        });
      }),
    );
    expect(outputs.sort()).toEqual(["busy", "busy", "busy", "won"]);
  });
});
