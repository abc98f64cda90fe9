/**
 * Include items against both OpenClaw layouts, built here as OpenClaw lays them out (its docs: `state/openclaw.sqlite`,
 * `agents/<id>/agent/openclaw-agent.sqlite`, legacy `sessions/` and `cron/jobs.json` that `openclaw doctor` imports):
 * each round trip restores every file, the databases whole, and `backup status` says what each item resolved to.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type BackupSandbox, backupSandbox, passphrase, treeOf } from "./helpers.js";

const run = promisify(execFile);

async function sqlite(db: string, sql: string): Promise<string> {
  return (await run("sqlite3", [db, sql])).stdout.trim();
}

async function database(path: string, rows: number): Promise<void> {
  await sqlite(
    path,
    `PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < ${rows}) INSERT INTO t(v) SELECT 'row ' || i FROM n;`,
  );
}

/** OpenClaw 2026.9: SQLite state, per-agent databases, the workspace's memory files. */
async function layout2026(box: BackupSandbox): Promise<void> {
  const oc = box.openclaw;
  await mkdir(join(oc, "state"), { recursive: true });
  await database(join(oc, "state", "openclaw.sqlite"), 50);
  await mkdir(join(oc, "agents", "main", "agent"), { recursive: true });
  await database(join(oc, "agents", "main", "agent", "openclaw-agent.sqlite"), 120);
  await writeFile(join(oc, "agents", "main", "agent", "models.json"), '{"providers":{}}\n');
  await mkdir(join(oc, "credentials"), { recursive: true });
  await writeFile(join(oc, "credentials", "telegram.json"), "{}\n");
  await writeFile(join(oc, "openclaw.json"), "{ // json5\n  agents: {},\n}\n");
  await mkdir(join(box.workspace, "memory"), { recursive: true });
  await writeFile(join(box.workspace, "memory", "2026-12-01.md"), "# today\n");
  await writeFile(join(box.workspace, "AGENTS.md"), "agents\n");
}

/** The layout before 2026.9: JSON sessions and transcripts, cron's jobs file. */
async function layoutLegacy(box: BackupSandbox): Promise<void> {
  const oc = box.openclaw;
  await mkdir(join(oc, "sessions"), { recursive: true });
  await writeFile(join(oc, "sessions", "sessions.json"), '{"main":{}}\n');
  await writeFile(join(oc, "sessions", "abc.jsonl"), '{"role":"user"}\n');
  await mkdir(join(oc, "cron"), { recursive: true });
  await writeFile(join(oc, "cron", "jobs.json"), "[]\n");
  await mkdir(join(oc, "agents", "main", "agent"), { recursive: true });
  await writeFile(join(oc, "agents", "main", "agent", "auth-profiles.json"), "{}\n");
  await writeFile(join(oc, "openclaw.json"), "{}\n");
  await mkdir(join(box.workspace, "memory"), { recursive: true });
  await writeFile(join(box.workspace, "memory", "notes.md"), "remember\n");
}

/**
 * The tree without databases (compared by content instead: a backup-API copy need not be byte-equal) and
 * without folder mtimes (opening a WAL database, as the capture does, makes its `-shm` beside it).
 */
async function filesOf(dir: string) {
  const tree = await treeOf(dir);
  return Object.fromEntries(
    Object.entries(tree)
      .filter(([path]) => !/\.sqlite(-wal|-shm)?$/.test(path))
      .map(([path, entry]) => [path, entry.type === "dir" ? { ...entry, mtime: 0 } : entry]),
  );
}

async function roundTrip(
  box: BackupSandbox,
): Promise<{ to: string; manifest: { sources: { item: string }[] } }> {
  const made = await box.run("backup", "now", "--json");
  expect(made.code, made.stderr).toBe(0);
  const manifest = JSON.parse(made.stdout).backup.snapshot;
  const to = join(box.root, "restored");
  const restored = await box.run("backup", "restore", "--to", to);
  expect(restored.code, restored.stderr).toBe(0);
  return { to, manifest };
}

interface StatusItems {
  items: { item: string; places: { item: string; path: string; exists: boolean }[] }[];
}

describe("include items on both OpenClaw layouts", () => {
  let box: BackupSandbox | undefined;
  afterEach(async () => {
    await box?.cleanup();
    box = undefined;
  });

  it("2026.9: every item, databases captured whole, status shows what each resolved to", async () => {
    const include = ["workspace", "config", "state", "agents", "memory", "cron", "sessions", "transcripts"];
    box = await backupSandbox({ include, passphrase, retain: 3 });
    await layout2026(box);
    const { to, manifest } = await roundTrip(box);
    expect(manifest.sources.map((s) => s.item).sort()).toEqual(["agents", "config", "state", "workspace"]);
    expect((await readdir(to)).sort()).toEqual(["agents", "config", "state", "workspace"]);
    expect(await filesOf(join(to, "workspace"))).toEqual(await filesOf(box.workspace));
    expect(await filesOf(join(to, "agents"))).toEqual(await filesOf(join(box.openclaw, "agents")));
    for (const [db, rows] of [
      ["state/openclaw.sqlite", 50],
      ["agents/main/agent/openclaw-agent.sqlite", 120],
    ] as const) {
      expect(await sqlite(join(to, db), "PRAGMA integrity_check")).toBe("ok");
      expect(await sqlite(join(to, db), "SELECT count(*) FROM t")).toBe(String(rows));
    }
    const status = await box.run("backup", "status", "--json");
    expect(status.code, status.stderr).toBe(0);
    const { items } = JSON.parse(status.stdout) as StatusItems;
    const existing = Object.fromEntries(
      items.map((i) => [i.item, i.places.filter((p) => p.exists).map((p) => p.item)]),
    );
    expect(existing).toEqual({
      workspace: ["workspace"],
      config: ["config"],
      state: ["state"],
      agents: ["agents"],
      memory: ["memory"],
      cron: ["state"],
      sessions: ["agents"],
      transcripts: ["agents"],
    });
    const text = await box.run("backup", "status");
    expect(text.stdout).toContain(`include cron ${join(box.openclaw, "state")} → state/`);
  }, 60_000);

  it("the original's list [workspace, config, cron, memory] on 2026.9 archives the state database for cron", async () => {
    box = await backupSandbox({ include: ["workspace", "config", "cron", "memory"], passphrase });
    await layout2026(box);
    const { to } = await roundTrip(box);
    expect((await readdir(to)).sort()).toEqual(["config", "state", "workspace"]);
    expect(await sqlite(join(to, "state", "openclaw.sqlite"), "SELECT count(*) FROM t")).toBe("50");
  }, 60_000);

  it("legacy: the original's list and sessions/transcripts come back from the legacy folders", async () => {
    box = await backupSandbox({
      include: ["workspace", "config", "cron", "memory", "sessions", "transcripts", "agents"],
      passphrase,
    });
    await layoutLegacy(box);
    await rm(join(box.openclaw, "state"), { recursive: true, force: true });
    const { to } = await roundTrip(box);
    expect((await readdir(to)).sort()).toEqual(["agents", "config", "cron", "sessions", "workspace"]);
    for (const item of ["sessions", "cron", "agents"]) {
      expect(await filesOf(join(to, item))).toEqual(await filesOf(join(box.openclaw, item)));
    }
    expect(await filesOf(join(to, "workspace"))).toEqual(await filesOf(box.workspace));
  }, 60_000);
});
