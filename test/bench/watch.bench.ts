/**
 * (d) Watching: what a watched workspace costs, against raw `rclone sync` of the same tree in the same run.
 * Sizes from the environment: WSYNC_BENCH_WATCH_FILES (default 100000, in folders of 20: 5k folders),
 * WSYNC_BENCH_WATCH_WRITES (default 50), WSYNC_BENCH_WATCH_CHANGED (default 100).
 *
 * - watched cycle, unchanged: a `changesSeen` naming one file that did not change (what a touch costs);
 * - watched cycle, N changed: `changesSeen` with the N files changed before the pair;
 * - full safety-net cycle: the whole guarded push;
 * all in a running host (`startWorkspace`), B = `rclone sync <local> <remote>` to its own copy of the remote.
 * - write-to-remote latency: a running `workspace-sync daemon` with `watch: true` and the default debounce;
 *   a file written, the time until it is on the remote; p50/p95.
 * - the daemon's RSS while watching the whole tree (VmRSS from /proc, once its start-up cycle has ended), and
 *   its CPU over a quiet stretch after it (utime + stime from /proc: the watcher costs nothing between changes).
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { parseConfig } from "../../src/config/load.js";
import { findRclone } from "../../src/rclone/binary.js";
import { startWorkspace, type WorkspaceHandle } from "../../src/runtime/workspace/start.js";
import { logRecords } from "../daemon/helpers.js";
import { cliPath } from "./fixtures.js";
import { interleave, median, type Row, renderTable } from "./measure.js";

const run = promisify(execFile);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function makeTree(dir: string, files: number): Promise<void> {
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `t${Math.floor(i / 2000)}`, `s${Math.floor(i / 20) % 100}`);
    if (i % 20 === 0) await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `f${i}.txt`), `file ${i} `.repeat(20));
  }
}
const fileOf = (i: number) => `t${Math.floor(i / 2000)}/s${Math.floor(i / 20) % 100}/f${i}.txt`;

async function cycles(handle: WorkspaceHandle): Promise<number> {
  const context = handle.actor.snapshot.context as { totals: { cycles: number } };
  return context.totals.cycles;
}

async function watchedCycle(handle: WorkspaceHandle, paths: string[]): Promise<void> {
  const before = await cycles(handle);
  handle.sendChanges({ paths });
  const done = await handle.actor.until((s) => {
    const c = s.context as { totals: { cycles: number } };
    return c.totals.cycles > before && s.matches("idle");
  });
  if (!done.matches("idle")) throw new Error("watched cycle did not end idle");
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The CPU time a process has used so far, in ms (utime + stime from /proc; clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("bench: timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function watchBench(options: { reps: number; log: (line: string) => void }): Promise<string> {
  const { reps, log } = options;
  const files = env("WSYNC_BENCH_WATCH_FILES", 100_000);
  const writes = env("WSYNC_BENCH_WATCH_WRITES", 50);
  const changed = Math.min(env("WSYNC_BENCH_WATCH_CHANGED", 100), files);
  const root = process.env.WSYNC_BENCH_WATCH_DIR ?? join(tmpdir(), `wsync-bench-watch-${files}`);
  const workspace = join(root, "workspace");
  const local = join(workspace, "shared");
  const cloud = join(root, "cloud");
  const rawRemote = join(root, "raw-remote");
  if ((await stat(join(local, fileOf(files - 1))).catch(() => null)) === null) {
    log(`(d) making ${files} files in ${Math.ceil(files / 20)} folders under ${local} ...`);
    await makeTree(local, files);
  }
  const binary = await findRclone();
  const rawSync = async () => {
    await run(binary, ["sync", local, rawRemote, "--exclude", "_inbox/**", "--exclude", "_outbox/**"]);
  };
  const config = parseConfig(
    { mode: "mailbox", provider: "local", local: { path: cloud }, exclude: [] },
    "bench",
  ).sync;
  const stateDir = join(root, "state");
  const handle = await startWorkspace({
    config,
    stateDir,
    workspace,
    env: process.env,
    rcloneBinary: binary,
  });
  const rows: Row[] = [];
  let round = 0;
  try {
    log("(d) first full push of both sides ...");
    await handle.requestSync({ source: "cli" });
    await rawSync();
    const raw = { name: "raw", run: rawSync };
    const full = {
      name: "ours",
      run: async () => {
        await handle.requestSync({ source: "cli", direction: "push" });
      },
    };
    log("(d) watched cycle, unchanged ...");
    const idle = await interleave([{ name: "ours", run: () => watchedCycle(handle, [fileOf(0)]) }, raw], {
      warmup: 1,
      reps,
    });
    log(`(d) watched cycle, ${changed} changed ...`);
    let touched: string[] = [];
    const change = async () => {
      round++;
      touched = [];
      for (let k = 0; k < changed; k++) {
        const i = Math.floor((k * files) / changed);
        touched.push(fileOf(i));
        await writeFile(join(local, fileOf(i)), `changed ${round} ${i}`);
      }
    };
    const busy = await interleave([{ name: "ours", run: () => watchedCycle(handle, touched) }, raw], {
      warmup: 1,
      reps,
      before: change,
    });
    log("(d) full safety-net cycle ...");
    const whole = await interleave([full, raw], { warmup: 1, reps });
    rows.push(
      { name: "watched cycle, unchanged (1 path seen)", a: idle.ours ?? [], b: idle.raw ?? [], target: 0.1 },
      { name: `watched cycle, ${changed} changed`, a: busy.ours ?? [], b: busy.raw ?? [], target: 0.2 },
      { name: "full safety-net cycle", a: whole.ours ?? [], b: whole.raw ?? [], target: 1.1 },
    );
  } finally {
    await handle.stop();
  }

  log("(d) daemon with watch on: RSS, then write-to-remote latency ...");
  const configFile = join(root, "daemon.json");
  await writeFile(
    configFile,
    JSON.stringify({ mode: "mailbox", provider: "local", local: { path: cloud }, watch: true, exclude: [] }),
  );
  const daemon = spawn(
    process.execPath,
    [cliPath, "daemon", "--config", configFile, "--workspace", workspace, "--state-dir", stateDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const drains = async () =>
    (await logRecords(stateDir, workspace)).filter((r) => r.event.type === "drainDone").length;
  const drainsBefore = await drains();
  let output = "";
  daemon.stdout.on("data", (d: Buffer) => (output += d.toString()));
  daemon.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const latencies: number[] = [];
  let rssMb = Number.NaN;
  let idleCpu = Number.NaN;
  const quietMs = 10_000;
  try {
    await until(async () => output.includes("host ready"));
    // The start-up full cycle (its drain is its last step), then a quiet moment: what the watcher holds for
    // the whole tree, and what it costs while nothing changes.
    await until(async () => (await drains()) > drainsBefore, 600_000);
    await new Promise((r) => setTimeout(r, 3000));
    const pid = daemon.pid ?? 0;
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
    const cpuBefore = await cpuMs(pid);
    await new Promise((r) => setTimeout(r, quietMs));
    idleCpu = ((await cpuMs(pid)) - cpuBefore) / quietMs;
    await mkdir(join(local, "latency"), { recursive: true });
    for (let i = 0; i < writes; i++) {
      const name = `latency/w${Date.now()}-${i}.txt`;
      const started = performance.now();
      await writeFile(join(local, name), `write ${i}`);
      await until(async () => (await stat(join(cloud, "openclaw-share", name)).catch(() => null)) !== null);
      latencies.push(performance.now() - started);
    }
  } finally {
    daemon.kill("SIGTERM");
    await new Promise((r) => daemon.once("exit", r));
  }
  const title = `(d) watching, ${files} files in ${Math.ceil(files / 20)} folders, provider local`;
  const notes = [
    `A = ours in a running host; B = raw \`rclone sync\` of the same tree to its own remote copy; ${reps} interleaved pairs.`,
    `write-to-remote latency over ${writes} writes (daemon, watch on, debounce 1500 ms): p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(2)} s (targets 3 s, 5 s).`,
    `daemon RSS while watching the tree: ${rssMb.toFixed(0)} MB (target <= 150 MB); CPU over ${quietMs / 1000} s with no change: ${(idleCpu * 100).toFixed(1)} % (target: idle; the outbox poll's rclone is a child, not counted).`,
    `median raw sync: ${median(rows[2]?.b ?? []).toFixed(0)} ms.`,
  ];
  return `${renderTable(title, { a: "ours", b: "raw" }, rows)}\n${notes.map((n) => `  ${n}`).join("\n")}`;
}
