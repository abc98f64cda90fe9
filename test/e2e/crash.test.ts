/**
 * kill -9 of a host in the middle of a push and of a drain, then a restart: the cycle runs again,
 * the orphaned rclone is stopped first, nothing is lost, both sides converge and the state is idle.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventLog } from "../../src/log/event-log.js";
import { workspacePaths } from "../../src/paths.js";
import { isAlive, sleep } from "../../src/util/process.js";
import { stateName } from "../../src/util/state-name.js";
import { createSandbox, filesIn, makeFiles, rcloneCheck, type Sandbox } from "../support/sandbox.js";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

async function lastState(): Promise<string> {
  const paths = workspacePaths(box.stateDir, box.workspace, "shared");
  const log = await EventLog.open({ dir: paths.logDir, readOnly: true });
  try {
    const [last] = await log.read({ limit: 1 });
    return last ? stateName(last.state) : "";
  } finally {
    await log.close();
  }
}

/** Start `sync`, wait until the log says the host is in `state`, then SIGKILL it. */
async function killDuring(state: string): Promise<{ sawState: boolean; rclonePids: number[] }> {
  const child = box.spawnCli("sync");
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  let sawState = false;
  for (let i = 0; i < 600 && !sawState; i++) {
    if ((await lastState()) === state) sawState = true;
    else await sleep(10);
  }
  await sleep(150);
  const lock = JSON.parse(
    await readFile(join(box.workspace, ".workspace-sync", "cycle.lock"), "utf8").catch(() => "{}"),
  );
  child.kill("SIGKILL");
  await exited;
  return { sawState, rclonePids: (lock.children ?? []) as number[] };
}

async function digest(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await filesIn(dir)) {
    out.set(
      name,
      createHash("sha256")
        .update(await readFile(join(dir, name)))
        .digest("hex"),
    );
  }
  return out;
}

describe("a host killed mid-cycle", () => {
  it("mid-push: the restart stops any orphaned rclone, runs the cycle again and converges", async () => {
    await makeFiles(box.shared, 2000, 64 * 1024);
    const { sawState, rclonePids } = await killDuring("running.pushing");
    expect(sawState).toBe(true);
    expect(await lastState()).toBe("running.pushing");
    expect(rclonePids.length).toBeGreaterThan(0);
    // The killed host's rclone may live on as an orphan (until its next log line hits the closed pipe);
    // the next host stops it before it syncs (test/workspace/cycle-lock.test.ts shows that directly).

    const again = await box.cli("sync");
    expect(again.code).toBe(0);
    for (const pid of rclonePids) expect(isAlive(pid)).toBe(false);
    expect(
      (await rcloneCheck(box.shared, box.remoteDir, ["--exclude", "_inbox/**", "--exclude", "_outbox/**"]))
        .code,
    ).toBe(0);
    const status = JSON.parse((await box.cli("status", "--json")).stdout);
    expect(status.state).toBe("idle");
    // The log shows the cut: a start that found the cycle in progress and ran it again.
    const log = JSON.parse((await box.cli("log", "--json", "--limit", "1000")).stdout) as {
      event: { type: string };
      state: unknown;
    }[];
    const restarts = log.filter((r) => r.event.type === "hostStarted").map((r) => stateName(r.state));
    expect(restarts).toEqual(["idle", "running.locking"]);
  }, 120_000);

  it("mid-drain: every outbox file ends in the inbox exactly once, none replaced, none lost", async () => {
    await box.cli("sync");
    const outbox = join(box.remoteDir, "_outbox");
    await makeFiles(outbox, 1500, 64 * 1024, "drop");
    const sent = await digest(outbox);
    // One arrival collides with a file the agent already has: it must survive untouched.
    const inbox = join(box.shared, "_inbox");
    await makeFiles(inbox, 1, 10, "drop");
    const agentsOwn = await digest(inbox);

    const { sawState, rclonePids } = await killDuring("running.draining");
    expect(sawState).toBe(true);
    // Count at rest: the killed host's rclone may still be moving files (until its next log line hits the
    // closed pipe); a file it moves between two folders while they are counted would be counted twice.
    for (let i = 0; i < 600 && rclonePids.some((pid) => isAlive(pid)); i++) await sleep(100);
    // A drain copies, delivers, then deletes the remote copy: every file is still in `_outbox` or already
    // in `_inbox` (or both, between the delivery and the remote delete), never only in staging.
    const staging = join(box.workspace, ".workspace-sync", "incoming");
    const held = new Set([...(await digest(outbox)).values(), ...(await digest(inbox)).values()]);
    for (const hash of sent.values()) expect(held.has(hash)).toBe(true);

    expect((await box.cli("sync")).code).toBe(0);
    expect(await filesIn(outbox)).toEqual([]);
    expect(await filesIn(staging)).toEqual([]);
    const received = await digest(inbox);
    expect(received.size).toBe(1501);
    // The agent's own file kept its name and bytes; the arrival that wanted the name got the next one.
    const [ownName, ownHash] = [...agentsOwn][0] as [string, string];
    expect(received.get(ownName)).toBe(ownHash);
    const receivedHashes = [...received.values()];
    for (const hash of sent.values()) expect(receivedHashes).toContain(hash);
    expect(JSON.parse((await box.cli("status", "--json")).stdout).state).toBe("idle");
  }, 120_000);
});
