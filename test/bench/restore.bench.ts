/**
 * One file back (`--only restore`): a snapshot of WORKSPACE_SYNC_BENCH_RESTORE_MIB MiB (default 1024) of
 * incompressible data, sealed to an age recipient, on a `local` remote. Then, interleaved: `backup restore
 * --path <one small file>` (the file sits last in the archive, so the whole stream is read) against a full
 * `backup restore` of the same snapshot. Reported: our process's peak RSS for each (target for the
 * single-file restore <= 200 MiB) and the time ratio single / full. A passphrase would add scrypt's fixed
 * 256 MiB at the start (see the backup memory rows); recipients cost nothing.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { benchRoot, cliPath } from "./fixtures.js";
import { interleave, median, type Row, renderTable } from "./measure.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;

export interface RestoreBenchOptions {
  reps: number;
  log: (line: string) => void;
}

function sizeMiB(): number {
  const raw = process.env.WORKSPACE_SYNC_BENCH_RESTORE_MIB ?? "1024";
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`WORKSPACE_SYNC_BENCH_RESTORE_MIB must be a whole number of MiB, got ${raw}`);
  return n;
}

/** `size` MiB in 64 MiB files of random-looking bytes (a 1 MiB random block, each MiB stamped), then `zz-last.md`. */
async function workspaceOf(root: string, size: number, log: (line: string) => void): Promise<string> {
  const dir = path.join(root, `workspace-${size}`);
  const done = path.join(root, `workspace-${size}.ready`);
  if (existsSync(done)) return dir;
  log(`restore fixture: writing ${size} MiB`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, "data"), { recursive: true });
  const block = randomBytes(MiB);
  for (let written = 0, file = 0; written < size; file++) {
    const handle = await open(path.join(dir, "data", `part-${String(file).padStart(4, "0")}.bin`), "w");
    for (let i = 0; i < 64 && written < size; i++, written++) {
      block.writeUInt32BE(written, 0);
      await handle.write(block);
    }
    await handle.close();
  }
  await writeFile(path.join(dir, "zz-last.md"), "# the one file we want back\n");
  await writeFile(done, "");
  return dir;
}

export async function restoreBench(options: RestoreBenchOptions): Promise<string> {
  const size = sizeMiB();
  const root = path.join(benchRoot, "restore");
  await mkdir(root, { recursive: true });
  const workspace = await workspaceOf(root, size, options.log);
  const runs = path.join(root, "runs");
  await rm(runs, { recursive: true, force: true });
  await mkdir(runs, { recursive: true });
  const identityFile = path.join(runs, "key.txt");
  await run("age-keygen", ["-o", identityFile]);
  const recipient = /public key: (age1[0-9a-z]+)/.exec(await readFile(identityFile, "utf8"))?.[1] ?? "";
  const config = path.join(runs, "config.json");
  await writeFile(
    config,
    JSON.stringify({
      mode: "mailbox",
      provider: "local",
      local: { path: path.join(runs, "cloud") },
      backup: { recipients: [recipient], identityFile, include: ["workspace"], retain: 1 },
    }),
  );
  const probe = path.join(runs, "rss-probe.mjs");
  await writeFile(
    probe,
    'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(process.env.RSS_PROBE_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.AWS_CA_BUNDLE;
  const cli = async (rss: string | null, ...argv: string[]) => {
    const node = rss ? ["--import", probe] : [];
    const common = ["--config", config, "--workspace", workspace, "--state-dir", path.join(runs, "state")];
    await run(process.execPath, [...node, cliPath, ...argv, ...common], {
      env: rss ? { ...env, RSS_PROBE_FILE: rss } : env,
      maxBuffer: 64 * MiB,
    });
  };
  options.log(`restore: backing up ${size} MiB`);
  await cli(null, "backup", "now");
  const peaks: Record<string, number[]> = { single: [], full: [] };
  const arm = (name: "single" | "full", extra: string[]) => ({
    name,
    run: async () => {
      const to = path.join(runs, `to-${name}`);
      const rss = path.join(runs, `${name}.rss`);
      await rm(to, { recursive: true, force: true });
      await cli(rss, "backup", "restore", ...extra, "--to", to);
      peaks[name]?.push(Number(await readFile(rss, "utf8")) / 1024);
      await rm(to, { recursive: true, force: true });
    },
  });
  const samples = await interleave([arm("single", ["--path", "workspace/zz-last.md"]), arm("full", [])], {
    warmup: 0,
    reps: options.reps,
    before: async (i) => options.log(`restore pair ${i + 1}/${options.reps}`),
  });
  const rows: Row[] = [
    {
      name: `restore --path one file vs full restore, ${size} MiB snapshot`,
      a: samples.single ?? [],
      b: samples.full ?? [],
      target: null,
    },
  ];
  const single = Math.max(...(peaks.single ?? []));
  const full = Math.max(...(peaks.full ?? []));
  const table = renderTable(
    `One file back: backup restore --path (A) vs a full backup restore (B), the same ${size} MiB snapshot (recipients), local remote`,
    { a: "one file", b: "full" },
    rows,
  );
  return `${table}\npeak RSS, restore --path one file from ${size} MiB: ${single.toFixed(0)} MiB (target <= 200 MiB: ${single <= 200 ? "yes" : "NO"}); full restore: ${full.toFixed(0)} MiB; median times ${(median(samples.single ?? []) / 1000).toFixed(1)} s vs ${(median(samples.full ?? []) / 1000).toFixed(1)} s`;
}
