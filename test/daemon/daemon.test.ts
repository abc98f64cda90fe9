/**
 * `workspace-sync daemon` as a person runs it: a real process, the real rclone, other CLI processes
 * reaching it over the socket.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmod, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { socketPathOf } from "../../src/ipc/client.js";
import { cliPath, createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";
import { eventually, exited, logRecords, startHost, syncRequests, untilReady } from "./helpers.js";

const sandboxes: Sandbox[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

/**
 * No watcher (`watch` is on by default) where a test counts cycles or catches a push mid-way: only its own
 * requests and timers start one.
 */
const quiet = { watch: false };

async function sandboxWith(config: Record<string, unknown> = {}): Promise<Sandbox> {
  const sandbox = await createSandbox(config);
  sandboxes.push(sandbox);
  return sandbox;
}

/** Starts the daemon and waits until its socket answers. */
async function daemon(
  sandbox: Sandbox,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cliPath, "daemon", ...sandbox.args], {
    env: testEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return untilReady(child);
}

describe("workspace-sync daemon", () => {
  it("serves sync and status from other processes over an owner-only socket", async () => {
    const sandbox = await sandboxWith();
    await writeFile(join(sandbox.shared, "report.md"), "# hi");
    const { child } = await daemon(sandbox);
    const socket = await stat(socketPathOf(sandbox.stateDir));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);

    const synced = await sandbox.cli("sync", "--json");
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ verdict: "done", state: "idle" });

    const status = await sandbox.cli("status", "--json");
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report).toMatchObject({
      state: "idle",
      host: { pid: child.pid },
      lastCycle: { sources: ["cli"] },
    });
    expect(report.unit).toMatch(/^workspace-/);

    const log = await sandbox.cli("log", "--json", "--limit", "100");
    const types = (JSON.parse(log.stdout) as { event: { type: string } }[]).map((r) => r.event.type);
    // One host ran the cycle: the daemon's (no one-shot host started for the CLI's request).
    expect(types.filter((t) => t === "hostStarted")).toHaveLength(1);
    expect(types).toContain("pushDone");

    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    const records = await logRecords(sandbox.stateDir, sandbox.workspace);
    expect(records.at(-1)?.event.type).toBe("hostStopped");
    await expect(stat(socketPathOf(sandbox.stateDir))).rejects.toThrow();
    await expect(stat(join(sandbox.stateDir, "host.lock"))).rejects.toThrow();
  });

  it("a second host on the same state directory refuses with a clear message", async () => {
    const sandbox = await sandboxWith();
    const { child } = await daemon(sandbox);
    const second = await sandbox.cli("daemon");
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`is in use by workspace-sync daemon (pid ${child.pid}`);
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
  });

  it("after a killed host, a restart runs the overdue interval cycle once", async () => {
    const sandbox = await sandboxWith({ ...quiet, interval: 60 });
    const { child } = await daemon(sandbox);
    // Never synced: due at once, at start-up.
    await eventually(async () => {
      const records = await logRecords(sandbox.stateDir, sandbox.workspace);
      return records.some((r) => r.event.type === "drainDone");
    }, "the start-up cycle");
    child.kill("SIGKILL");
    await exited(child);

    // Restart "three intervals later": one overdue cycle, not three.
    const offset = 3 * 60_000 + 5_000;
    const now = () => Date.now() + offset;
    const host = await startHost(sandbox, { ...quiet, interval: 60 }, { now });
    try {
      await eventually(async () => {
        const records = await logRecords(sandbox.stateDir, sandbox.workspace);
        return records.filter((r) => r.event.type === "drainDone").length === 2;
      }, "the overdue cycle");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const requests = syncRequests(await logRecords(sandbox.stateDir, sandbox.workspace));
      expect(requests.map((r) => r.event.source)).toEqual(["startup", "startup"]);
      const unit = host.units()[0] as { nextTimerAt?: number | null } | undefined;
      const next = unit?.nextTimerAt ?? 0;
      expect(next - now()).toBeGreaterThan(50_000);
      expect(next - now()).toBeLessThanOrEqual(60_000);
    } finally {
      await host.stop();
    }
  });

  it("SIGTERM in the middle of a push ends rclone, logs the stop, and the next host finishes the cycle", async () => {
    const sandbox = await sandboxWith(quiet);
    await writeFile(join(sandbox.shared, "big.txt"), "x".repeat(1000));
    // The real rclone, slowed down before each sync so that the stop lands mid-push.
    const real = execFileSync("bash", ["-c", "command -v rclone"], { encoding: "utf8" }).trim();
    const slow = join(sandbox.root, "rclone-slow");
    await writeFile(slow, `#!/usr/bin/env bash\n[ "$1" = sync ] && sleep 30\nexec "${real}" "$@"\n`);
    await chmod(slow, 0o755);
    const { child } = await daemon(sandbox, { WORKSPACE_SYNC_RCLONE: slow });
    const pending = sandbox.cli("sync", "--json");
    await eventually(async () => {
      const records = await logRecords(sandbox.stateDir, sandbox.workspace);
      return records.at(-1)?.event.type === "bootstrapDone";
    }, "the push to start");
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    const answer = await pending;
    expect(answer.code).toBe(1);
    expect(answer.stderr).toContain("stopping");
    const records = await logRecords(sandbox.stateDir, sandbox.workspace);
    expect(records.at(-1)).toMatchObject({ event: { type: "hostStopped" }, state: { running: "pushing" } });

    // The next host (a one-shot `sync`, the real rclone) runs the cut-short cycle again, then serves its own.
    const again = await sandbox.cli("sync", "--json");
    expect(again.code, again.stderr).toBe(0);
    expect(await stat(join(sandbox.remoteDir, "big.txt"))).toBeTruthy();
  });
});
