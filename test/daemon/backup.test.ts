/**
 * Backups in the host, as a person runs them: `workspace-sync daemon` with `backup.enabled` (a real
 * process, the real rclone and a `local` remote) runs the schedule; `backup now` and `backup status` from
 * other processes reach it over the socket; a restart after `kill -9` runs an overdue backup once.
 */
import type { ChildProcess } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { Host } from "../../src/daemon/host.js";
import { callHost, HostError } from "../../src/ipc/client.js";
import type { HelloResult, SendResult } from "../../src/ipc/protocol.js";
import { EventLog, type LogRecord } from "../../src/log/event-log.js";
import type { RcloneProgress } from "../../src/rclone/progress.js";
import { backupLogDir } from "../../src/runtime/backup/start.js";
import type { BackupCycle } from "../../src/runtime/backup/unit.js";
import { ageKeypair, type BackupSandbox, backupSandbox } from "../backup/helpers.js";
import { makeFiles } from "../support/sandbox.js";
import { eventually, exited, quietLogger, untilReady } from "./helpers.js";

const sandboxes: BackupSandbox[] = [];
const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const s of sandboxes.splice(0)) await s.cleanup();
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A sandbox whose backups are sealed to a fresh age key (no scrypt), with files to archive. */
async function sandboxWith(backup: Record<string, unknown> = {}): Promise<BackupSandbox> {
  const keys = await ageKeypair();
  folders.push(keys.dir);
  const box = await backupSandbox({
    recipients: [keys.recipient],
    identityFile: keys.identityFile,
    ...backup,
  });
  sandboxes.push(box);
  await makeFiles(join(box.workspace, "notes"), 20, 2048);
  await writeFile(join(box.shared, "report.md"), "# hi");
  return box;
}

async function daemon(box: BackupSandbox): Promise<{ child: ChildProcess; output: () => string }> {
  const child = box.spawnRun("daemon");
  children.push(child);
  return untilReady(child);
}

async function backupRecords(stateDir: string): Promise<LogRecord[]> {
  const log = await EventLog.open({ dir: backupLogDir(stateDir), readOnly: true });
  try {
    return await log.read();
  } finally {
    await log.close();
  }
}

const ofType = (records: readonly LogRecord[], type: string) => records.filter((r) => r.event.type === type);

async function backupsDone(stateDir: string, count: number): Promise<LogRecord[]> {
  return eventually(async () => {
    const records = await backupRecords(stateDir);
    return ofType(records, "pruneDone").length >= count && records;
  }, `${count} finished backups`);
}

interface Listed {
  snapshots: { id: string }[];
}

async function listed(box: BackupSandbox): Promise<string[]> {
  const result = await box.run("backup", "list", "--json");
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as Listed).snapshots.map((s) => s.id);
}

/** The host in this process, for the sandbox's config and environment, on a clock of our choosing. */
async function hostInProcess(box: BackupSandbox, now: () => number = Date.now): Promise<Host> {
  const raw = JSON.parse(await readFile(box.configPath, "utf8")) as Record<string, unknown>;
  return Host.start({
    stateDir: box.stateDir,
    config: parseConfig(raw, "test", box.env),
    workspaces: [box.workspace],
    logger: quietLogger(),
    env: box.env,
    now,
  });
}

function getJson(url: URL): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}

describe("backups in the daemon", () => {
  it("runs the start-up backup, and serves backup now, status, list and verify from other processes", async () => {
    const box = await sandboxWith();
    const { child, output } = await daemon(box);
    // Never backed up: due at once.
    await backupsDone(box.stateDir, 1);

    const now = await box.run("backup", "now", "--json");
    expect(now.code, now.stderr).toBe(0);
    const answer = JSON.parse(now.stdout) as { verdict: string; backup: { id: string; sources: string[] } };
    expect(answer).toMatchObject({ verdict: "done", backup: { sources: ["cli"] } });
    expect(await listed(box)).toContain(answer.backup.id);

    const status = await box.run("backup", "status", "--json");
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      unit: "backup",
      enabled: true,
      state: "idle",
      host: { pid: child.pid, command: "workspace-sync daemon" },
      lastBackup: { id: answer.backup.id },
      totals: { backups: 2, failures: 0 },
    });
    // Reading the remote needs no lock: verify works beside the daemon.
    const verified = await box.run("backup", "verify", "--json");
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, id: answer.backup.id });
    // The workspace unit syncs beside the backup unit (each with its own rclone config).
    const synced = await box.run("sync", "--json");
    expect(synced.code, synced.stderr).toBe(0);

    const records = await backupRecords(box.stateDir);
    // One host ran every backup: the daemon's (no one-shot host was started for `backup now`).
    expect(ofType(records, "hostStarted")).toHaveLength(1);
    expect(ofType(records, "backupDue")).toHaveLength(1);
    expect(ofType(records, "backupRequested").map((r) => r.event.source)).toEqual(["cli"]);
    expect(output()).toContain("backupRequested (from cli) → running.archiving");

    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    expect((await backupRecords(box.stateDir)).at(-1)?.event.type).toBe("hostStopped");
  });

  it("streams the upload's progress over the socket, and sends each unit only its own event", async () => {
    const box = await sandboxWith();
    await daemon(box);
    await backupsDone(box.stateDir, 1);
    const hello = await callHost<HelloResult>(box.stateDir, { op: "hello" });
    expect(hello?.result.units.map((u) => u.kind).sort()).toEqual(["backup", "workspace"]);

    const stats: RcloneProgress[] = [];
    const steps: unknown[] = [];
    // No unit named: the one unit that takes `backupRequested` gets it.
    const sent = await callHost<SendResult>(
      box.stateDir,
      { op: "send", event: { type: "backupRequested" }, wait: true, progress: true },
      { onStats: (s) => stats.push(s), onStream: (t) => steps.push(t.state) },
    );
    expect(sent?.result).toMatchObject({ unit: "backup", verdict: "done", state: "idle" });
    const cycle = sent?.result.cycle as BackupCycle;
    expect(cycle.root).toBe("backup:openclaw-backup");
    expect(steps).toContainEqual({ running: "archiving" });
    // rcat's bytes sent, and the files archived so far (20 notes and the report: all of them by the end).
    expect(stats.length).toBeGreaterThan(0);
    const last = stats.at(-1);
    expect(last?.bytes).toBeGreaterThan(0);
    expect(last?.transfers).toBe(cycle.record?.snapshot.files);
    expect(last?.totalBytes).toBe(0);

    await expect(
      callHost(box.stateDir, { op: "send", unit: "backup", event: { type: "syncRequested" }, wait: true }),
    ).rejects.toThrow(HostError);
    await expect(
      callHost(box.stateDir, {
        op: "send",
        workspace: box.workspace,
        event: { type: "backupRequested" },
        wait: true,
      }),
    ).rejects.toThrow(/takes syncRequested events, not backupRequested/);
  });

  it("after a kill -9, a restarted host runs the overdue backup once", async () => {
    const box = await sandboxWith();
    const { child } = await daemon(box);
    await backupsDone(box.stateDir, 1);
    child.kill("SIGKILL");
    await exited(child);

    // Restarted "three intervals later": one overdue backup, not three.
    const interval = 86_400_000;
    const offset = 3 * interval + 5_000;
    const now = () => Date.now() + offset;
    const host = await hostInProcess(box, now);
    try {
      await backupsDone(box.stateDir, 2);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const records = await backupRecords(box.stateDir);
      expect(ofType(records, "backupDue")).toHaveLength(2);
      expect(ofType(records, "pruneDone")).toHaveLength(2);
      expect(ofType(records, "backupRequested")).toHaveLength(0);
      const unit = host.units().find((u) => u.info.kind === "backup");
      const context = unit?.current().context as { nextDueAt: number; lastBackup: { startedAt: number } };
      expect(context.nextDueAt).toBe(context.lastBackup.startedAt + interval);
      expect(context.nextDueAt - now()).toBeGreaterThan(interval - 120_000);
    } finally {
      await host.stop();
    }
    expect(await listed(box)).toHaveLength(2);
  });

  it("with backups not enabled, starts the backup unit on the first backup now, with no schedule", async () => {
    const box = await sandboxWith({ enabled: false });
    const host = await hostInProcess(box);
    try {
      expect(host.units().map((u) => u.info.kind)).toEqual(["workspace"]);
      const now = await box.run("backup", "now", "--json");
      expect(now.code, now.stderr).toBe(0);
      expect(host.units().map((u) => u.info.kind)).toEqual(["workspace", "backup"]);
      const status = await box.run("backup", "status", "--json");
      expect(JSON.parse(status.stdout)).toMatchObject({
        unit: "backup",
        enabled: false,
        nextRun: null,
        totals: { backups: 1 },
      });
      // The live page of the backup statechart reads the backup log.
      const live = box.spawnRun("viz", "--live", "--mode", "backup", "--json");
      children.push(live);
      let out = "";
      live.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      const address = await eventually(() => {
        if (live.exitCode !== null) throw new Error(`viz --live exited ${live.exitCode}`);
        try {
          return JSON.parse(out) as { url: string; logDir: string; mode: string };
        } catch {
          return false;
        }
      }, "the live page's address");
      expect(address).toMatchObject({ mode: "backup", logDir: backupLogDir(box.stateDir) });
      const url = new URL(address.url);
      const snapshot = await getJson(new URL(`/api/snapshot${url.search}`, url));
      expect(snapshot).toMatchObject({ state: "idle", context: { totals: { backups: 1 } } });
      live.kill("SIGINT");
      await exited(live);
    } finally {
      await host.stop();
    }
  });
});
