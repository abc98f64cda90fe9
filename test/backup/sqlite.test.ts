/**
 * OpenClaw's live SQLite databases (WAL mode, a writer committing all the time, as a running gateway does)
 * are captured with SQLite's backup API: the snapshot holds the database, its restored copy passes
 * `PRAGMA integrity_check` and holds every row committed before the backup began; `-wal`/`-shm` are never
 * archived. Both mechanisms: the `sqlite3` program (this CLI on Node 20) and `node:sqlite` (the CLI on
 * Node 24, the gateway's runtime). Without either, the database is left out with its reason, never torn.
 * The same check against plain copies of the live file fails. The writer needs Node 24 (`node:sqlite`) from
 * the test cache; without it the file skips with a notice.
 *
 * Kept cheap by default (about half the time it took): the snapshots are sealed to an age recipient (no
 * scrypt at each seal and open) and the writer's rows are small, so the database stays a few MiB while it
 * still commits about two hundred transactions a second with a checkpoint every 20 pages.
 * `WORKSPACE_SYNC_SQLITE_HEAVY=1` runs the earlier load: rows of 1.5-4.5 KB, one a millisecond.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, open, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { node24 } from "../openclaw/openclaw.js";
import { cliPath, runCaptured } from "../support/sandbox.js";
import { ageKeypair, type BackupSandbox, backupSandbox, waitFor } from "./helpers.js";

const run = promisify(execFile);
const haveNode24 = existsSync(node24);
if (!haveNode24) console.warn(`skipping the live SQLite tests: no Node 24 at ${node24}`);

/** Commits one row a transaction, forever, printing each committed id; checkpoints often (as OpenClaw's WAL does). */
const writerScript = `
const { DatabaseSync } = require("node:sqlite");
const db = new DatabaseSync(process.argv[2], { timeout: 10000 });
db.exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=20; CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, body BLOB)");
const insert = db.prepare("INSERT INTO t(body) VALUES (?)");
const prefill = Number(process.argv[3]);
db.exec("BEGIN"); for (let i = 0; i < prefill; i++) insert.run(Buffer.alloc(3000, i % 251)); db.exec("COMMIT");
let id = prefill;
process.stdout.write("ready " + id + "\\n");
const [base, spread, pause] = process.argv.slice(4).map(Number);
const tick = () => { const r = insert.run(Buffer.alloc(base + (id % spread), id % 251)); id = Number(r.lastInsertRowid); process.stdout.write("c " + id + "\\n"); setTimeout(tick, pause); };
tick();
`;

interface Writer {
  child: ChildProcess;
  /** The highest id known committed so far. */
  committed(): number;
  stop(): Promise<void>;
}

const heavy = process.env.WORKSPACE_SYNC_SQLITE_HEAVY === "1";
/** Row body: base + (id % spread) bytes, one commit every `pause` ms. */
const load = heavy ? { base: 1500, spread: 3000, pause: 1 } : { base: 200, spread: 600, pause: 4 };

async function startWriter(dir: string, db: string, prefill = 1500): Promise<Writer> {
  const script = join(dir, "writer.cjs");
  await writeFile(script, writerScript);
  const args = [script, db, String(prefill), String(load.base), String(load.spread), String(load.pause)];
  const child = spawn(node24, args, { stdio: ["ignore", "pipe", "inherit"] });
  let last = -1;
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) last = Number(line.split(" ")[1]);
  });
  await waitFor(async () => last >= prefill, 60_000);
  return {
    child,
    committed: () => last,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

async function sqlite(db: string, sql: string): Promise<string> {
  const { stdout } = await run("sqlite3", [db, sql]);
  return stdout.trim();
}

/** A slow plain copy (1 MiB per 0.1 s), as a file backup of a live database would be. */
async function slowCopy(from: string, to: string): Promise<void> {
  const source = await open(from, "r");
  const target = await open(to, "w");
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let position = 0; ; position += chunk.length) {
      const { bytesRead } = await source.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      await target.write(chunk, 0, bytesRead, position);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await source.close();
    await target.close();
  }
}

describe.skipIf(!haveNode24)("live SQLite databases under a writer", () => {
  let box: BackupSandbox;
  let writer: Writer;
  let db: string;
  let keyDir: string;

  beforeAll(async () => {
    const keys = await ageKeypair();
    keyDir = keys.dir;
    box = await backupSandbox({
      include: ["agents"],
      recipients: [keys.recipient],
      identityFile: keys.identityFile,
      retain: 10,
    });
    const agentDir = join(box.openclaw, "agents", "main", "agent");
    await mkdir(agentDir, { recursive: true });
    await writeFile(join(agentDir, "models.json"), "{}\n");
    db = join(agentDir, "openclaw-agent.sqlite");
    writer = await startWriter(box.root, db);
  }, 90_000);
  afterAll(async () => {
    await writer?.stop();
    await box?.cleanup();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  async function backupAndRestore(node: string, label: string): Promise<{ to: string; before: number }> {
    const before = writer.committed();
    const made = await runCaptured(node, [cliPath, "backup", "now", "--json", ...box.args], box.env);
    expect(made.code, made.stderr).toBe(0);
    const { backup } = JSON.parse(made.stdout) as {
      backup: {
        snapshot: { id: string; skipped: unknown[]; databases: { path: string; mechanism: string }[] };
      };
    };
    expect(backup.snapshot.skipped).toEqual([]);
    expect(backup.snapshot.databases).toEqual([
      expect.objectContaining({ path: "agents/main/agent/openclaw-agent.sqlite" }),
    ]);
    console.log(
      `${label}: captured with ${backup.snapshot.databases[0]?.mechanism}; rows before: ${before}, after: ${writer.committed()}`,
    );
    const to = join(box.root, `restored-${label}`);
    const restored = await box.run("backup", "restore", "--snapshot", backup.snapshot.id, "--to", to);
    expect(restored.code, restored.stderr).toBe(0);
    return { to, before };
  }

  /** What is wrong with a copy of the database (null: whole, and every row committed before it began). */
  async function problemsOf(copy: string, before: number): Promise<string | null> {
    try {
      const check = await sqlite(copy, "PRAGMA integrity_check");
      if (check !== "ok") return check.split("\n").slice(0, 2).join(" ");
      // Ids are 1..n with no gaps: every row committed before the copy began must be there.
      const rows = Number(await sqlite(copy, `SELECT count(*) FROM t WHERE id <= ${before}`));
      return rows === before
        ? null
        : `${before - rows} of the ${before} rows committed before it began are missing`;
    } catch (error) {
      // sqlite3 refuses a copy that is not a database at all: its own words are on stderr.
      const stderr = error instanceof Error && "stderr" in error ? String(error.stderr).trim() : "";
      return stderr || (error instanceof Error ? error.message : String(error)).split("\n")[0] || "";
    }
  }

  async function expectWhole(to: string, before: number): Promise<void> {
    const agentDir = join(to, "agents", "main", "agent");
    expect((await readdir(agentDir)).sort()).toEqual(["models.json", "openclaw-agent.sqlite"]);
    expect(await problemsOf(join(agentDir, "openclaw-agent.sqlite"), before)).toBeNull();
  }

  it("captures with the sqlite3 program on Node 20: whole, every committed row, no -wal/-shm", async () => {
    const { to, before } = await backupAndRestore(process.execPath, "node20");
    await expectWhole(to, before);
  }, 120_000);

  it("captures with node:sqlite on Node 24 (the gateway's runtime)", async () => {
    const { to, before } = await backupAndRestore(node24, "node24");
    await expectWhole(to, before);
  }, 120_000);

  it("leaves the database out with its reason when neither mechanism is there, never torn", async () => {
    const env = { ...box.env, WORKSPACE_SYNC_SQLITE3: "/nonexistent/sqlite3" };
    const made = await runCaptured(process.execPath, [cliPath, "backup", "now", "--json", ...box.args], env);
    expect(made.code, made.stderr).toBe(0);
    const { backup } = JSON.parse(made.stdout) as {
      backup: { snapshot: { skipped: { path: string; reason: string }[]; databases: unknown[] } };
    };
    expect(backup.snapshot.databases).toEqual([]);
    expect(backup.snapshot.skipped).toEqual([
      {
        path: "agents/main/agent/openclaw-agent.sqlite",
        reason: expect.stringContaining("install sqlite3"),
      },
    ]);
  }, 120_000);

  it("the same check fails on plain copies of the live file (a file backup's copy)", async () => {
    // The main file copied as a file backup reads it (fast, or slowly as a big or busy backup would);
    // rows still in the -wal are missing, or the copy is torn. Ten tries: a copy can pass by luck
    // (a checkpoint just before it, nothing torn), ten in a row do not.
    const results: string[] = [];
    for (let i = 0; i < 10; i++) {
      const before = writer.committed();
      const copy = join(box.root, `plain-${i}.sqlite`);
      if (i % 2 === 0) await copyFile(db, copy);
      else await slowCopy(db, copy);
      results.push((await problemsOf(copy, before)) ?? "ok");
      await rm(copy, { force: true });
    }
    console.log(`plain copies of the live database (fast, slow, ...):\n  ${results.join("\n  ")}`);
    expect(results.filter((r) => r !== "ok").length).toBeGreaterThan(0);
  }, 120_000);
});
