/**
 * One cycle per workspace across state directories: three syncs with different state directories start
 * at once on a workspace whose `cycle.lock` is stale (its holder is dead) but whose recorded rclone is
 * still running. Every rclone run goes through a wrapper around the real rclone that logs its start and
 * end; no two runs started by different processes may overlap, the old rclone included.
 * Half the rounds the old rclone is stuck (it ignores SIGTERM and needs SIGKILL); the others it dies on SIGTERM.
 * 8 rounds by default (about 40 s on an idle 2-core machine, for CI); `FAULT_LOCK_ROUNDS=50` runs the full 50 (3-4 min).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootId, isAlive, sleep } from "../../src/util/process.js";
import { overlaps, type RcloneWrapper, rcloneWrapper } from "../support/rclone-wrapper.js";
import {
  type CliResult,
  cliPath,
  createSandbox,
  runCaptured,
  type Sandbox,
  testEnv,
} from "../support/sandbox.js";

const rounds = Number(process.env.FAULT_LOCK_ROUNDS ?? 8);

let sandbox: Sandbox;
let wrapper: RcloneWrapper;
beforeAll(async () => {
  sandbox = await createSandbox({ mode: "mirror" });
  wrapper = await rcloneWrapper(sandbox.root);
  // A mirror pulls the cloud down: give it something to pull.
  await mkdir(sandbox.remoteDir, { recursive: true });
  for (let i = 0; i < 20; i++)
    await writeFile(join(sandbox.remoteDir, `f${i}.txt`), `file ${i}\n`.repeat(200));
});
afterAll(async () => {
  await sandbox.cleanup();
});

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((done) => child.once("exit", done));
  return child.pid ?? 0;
}

/** An rclone left running by a host that died: it waits on stdin forever, in its own process group. */
async function startOrphan(round: number, stubborn: boolean): Promise<ChildProcess> {
  const orphan = spawn(wrapper.binary, ["rcat", join(sandbox.cloud, `orphan-${round}.txt`)], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env: testEnv(stubborn ? { RCLONE_WRAP_STUBBORN: "1" } : {}),
  });
  for (let i = 0; i < 100; i++) {
    const started = (await wrapper.runs()).some((run) => run.wrapper === orphan.pid);
    if (started) break;
    await sleep(20);
  }
  return orphan;
}

async function plantStaleLock(children: number[]): Promise<void> {
  const dir = join(sandbox.workspace, ".workspace-sync");
  await mkdir(dir, { recursive: true });
  const holder = {
    pid: await deadPid(),
    hostname: hostname(),
    bootId: await bootId(),
    startTicks: null,
    stateDir: "/a-host-that-died",
    startedAt: new Date().toISOString(),
    children,
  };
  await writeFile(join(dir, "cycle.lock"), JSON.stringify(holder));
}

function syncWithStateDir(stateDir: string): Promise<CliResult> {
  const args = [
    "sync",
    "--config",
    sandbox.configPath,
    "--workspace",
    sandbox.workspace,
    "--state-dir",
    stateDir,
  ];
  return runCaptured(
    process.execPath,
    [cliPath, ...args],
    testEnv({ WORKSPACE_SYNC_RCLONE: wrapper.binary }),
  );
}

describe("cycle lock race across state directories", () => {
  it(`${rounds} rounds of three syncs on a stale lock with a live recorded rclone: no overlapping rclone runs`, async () => {
    const began = performance.now();
    const outcomes = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      const stubborn = round % 2 === 0;
      const orphan = await startOrphan(round, stubborn);
      await plantStaleLock(orphan.pid === undefined ? [] : [orphan.pid]);
      const results = await Promise.all(
        [0, 1, 2].map((host) => syncWithStateDir(join(sandbox.root, `state-${host}`))),
      );
      for (const result of results) {
        const said =
          result.code === 0
            ? "synced"
            : /being synced by pid/.test(result.stderr + result.stdout)
              ? "busy"
              : `exit ${result.code}`;
        outcomes.set(said, (outcomes.get(said) ?? 0) + 1);
        if (said.startsWith("exit")) console.warn(result.stdout, result.stderr);
      }
      expect(orphan.pid !== undefined && isAlive(orphan.pid)).toBe(false);
      orphan.stdin?.destroy();
      await rm(join(sandbox.workspace, ".workspace-sync", "cycle.lock"), { force: true });
    }
    const runs = (await wrapper.runs()).filter((run) => run.subcommand !== "version");
    const clashes = overlaps(runs, BigInt(Date.now()) * 1_000_000n);
    console.log(
      `lock race: ${rounds} rounds, ${runs.length} rclone runs, ${clashes.length} overlapping; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; ${Math.round((performance.now() - began) / 1000)} s`,
    );
    for (const [a, b] of clashes.slice(0, 5)) console.warn("overlap:", a, b);
    expect(clashes).toEqual([]);
    // Every round some host synced (the takeover does not leave everyone out).
    expect(outcomes.get("synced") ?? 0).toBeGreaterThanOrEqual(rounds);
  }, 900_000);
});
