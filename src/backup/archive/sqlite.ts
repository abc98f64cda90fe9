/**
 * SQLite databases are captured with SQLite's online backup API, never copied as files: a live database
 * in WAL mode (OpenClaw's `state/openclaw.sqlite` and each agent's `openclaw-agent.sqlite`) keeps committed
 * pages in its `-wal` file, and a plain copy under a writer is torn. The copy is made into a private
 * scratch folder and archived under the database's own path; its `-wal`, `-shm` and `-journal` siblings
 * are never archived as such.
 *
 * Mechanism, first that this process has: `node:sqlite`'s `backup()` (Node 22.16+, 23.8+, 24: the gateway's
 * runtime, no dependency), else the `sqlite3` program's `.backup` (the standalone CLI on Node 20). Both
 * run `sqlite3_backup_step`; we ask for every page in one step, so a writer cannot force restarts. With
 * neither, a database is left out with a reason that says what to install: never archived torn.
 */
import { execFile } from "node:child_process";
import type { FileHandle } from "node:fs/promises";
import { messageOf } from "../../util/errors.js";

/** The first 16 bytes of every SQLite 3 database file. */
export const sqliteMagic = Buffer.from("SQLite format 3\0", "latin1");

/** The files SQLite keeps beside a database; archived only through the database. */
const sidecar = /^(.+)-(wal|shm|journal)$/;

/** The database a `-wal`/`-shm`/`-journal` name belongs to, when `siblings` holds it; else null. */
export function sidecarOf(name: string, siblings: ReadonlySet<string>): string | null {
  const base = sidecar.exec(name)?.[1];
  return base !== undefined && siblings.has(base) ? base : null;
}

export function isSqliteHeader(head: Buffer): boolean {
  return head.length >= sqliteMagic.length && head.subarray(0, sqliteMagic.length).equals(sqliteMagic);
}

/** True when the open file starts with SQLite's magic. */
export async function looksLikeSqlite(handle: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(sqliteMagic.length);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return bytesRead === head.length && isSqliteHeader(head);
}

export interface SqliteCapturer {
  /** `node:sqlite` or the `sqlite3` program's path. */
  mechanism: string;
  /** Writes a consistent copy of the database at `source` to the new file `target`. */
  capture(source: string, target: string): Promise<void>;
}

export type SqliteSupport = { ok: true; capturer: SqliteCapturer } | { ok: false; reason: string };

/** How long a capture waits for a lock (a writer mid-checkpoint, an exclusive transaction). */
const busyTimeoutMs = 15_000;
/** Pages per backup step: all of them, so the copy is one read transaction (one consistent snapshot). */
const allPages = 0x3fff_ffff;

/** The part of `node:sqlite` used here (typed locally: this project's Node types are Node 20's). */
interface NodeSqlite {
  DatabaseSync: new (
    path: string,
    options?: { readOnly?: boolean; timeout?: number },
  ) => { close(): void; exec(sql: string): void };
  backup?: (db: unknown, path: string, options?: { rate?: number }) => Promise<number>;
}

async function nodeSqlite(): Promise<NodeSqlite | null> {
  try {
    // cast: a builtin absent from Node 20's type definitions; `backup` is checked before use
    const mod = (await import("node:sqlite" as string)) as NodeSqlite;
    return typeof mod.backup === "function" ? mod : null;
  } catch {
    return null;
  }
}

function nodeCapturer(sqlite: NodeSqlite & Required<Pick<NodeSqlite, "backup">>): SqliteCapturer {
  return {
    mechanism: "node:sqlite",
    async capture(source, target) {
      const db = new sqlite.DatabaseSync(source, { timeout: busyTimeoutMs });
      try {
        await sqlite.backup(db, target, { rate: allPages });
      } finally {
        db.close();
      }
    },
  };
}

function runFile(binary: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 10 * 60_000, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve({ code: 0, stderr: String(stderr) });
      const code = typeof error.code === "number" ? error.code : -1;
      resolve({ code, stderr: String(stderr) || messageOf(error) });
    });
  });
}

function cliCapturer(binary: string): SqliteCapturer {
  return {
    mechanism: binary,
    async capture(source, target) {
      if (target.includes("'")) throw new Error(`a scratch path with a quote: ${target}`);
      // `.backup` is sqlite3_backup_init/step/finish, in the shell's own steps of 100 pages.
      const result = await runFile(binary, [
        "-bail",
        source,
        `.timeout ${busyTimeoutMs}`,
        `.backup main '${target}'`,
      ]);
      if (result.code !== 0) throw new Error(result.stderr.trim() || `${binary} exited ${result.code}`);
    },
  };
}

/** Whether `binary` is a working `sqlite3` program. */
async function sqliteProgram(binary: string): Promise<boolean> {
  return (await runFile(binary, ["-version"])).code === 0;
}

/**
 * The way this process captures databases. `sqlite3Binary`: the program to fall back on (default
 * `sqlite3` on PATH); `preferProgram` skips `node:sqlite` (tests of the fallback).
 */
export async function sqliteSupport(
  options: { sqlite3Binary?: string; preferProgram?: boolean } = {},
): Promise<SqliteSupport> {
  if (!options.preferProgram) {
    const sqlite = await nodeSqlite();
    if (sqlite?.backup) return { ok: true, capturer: nodeCapturer({ ...sqlite, backup: sqlite.backup }) };
  }
  const binary = options.sqlite3Binary ?? "sqlite3";
  if (await sqliteProgram(binary)) return { ok: true, capturer: cliCapturer(binary) };
  return {
    ok: false,
    reason: `not archived: an SQLite database is captured with SQLite's backup API, and this process (Node ${process.versions.node}) has neither node:sqlite's backup() (Node 22.16+) nor the sqlite3 program; install sqlite3 (apt install sqlite3) or run under Node 24`,
  };
}
