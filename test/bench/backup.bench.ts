/**
 * Backups (`--only backup`): our `backup now` (the real CLI: archive, compress, seal with age, rcat, check,
 * publish, prune) against the old pipeline `tar czf - | openssl enc -aes-256-cbc -pbkdf2 | rclone rcat`
 * run in the same bench on the same folder to the same kind of remote, interleaved. Both seal with a
 * passphrase. Then the peak RSS of our process for a ~1 GiB backup (recipients, and passphrase).
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { findRclone } from "../../src/rclone/binary.js";
import { writeRcloneConfig } from "../../src/rclone/config-file.js";
import { type BackupFixtures, ensureBackupFixtures } from "./backup-fixtures.js";
import { cliPath } from "./fixtures.js";
import { interleave, type Row, renderTable, type Samples } from "./measure.js";

const run = promisify(execFile);
const passphrase = "bench passphrase: correct horse battery staple";
/** A throwaway public key: the memory run seals to it and never opens the result. */
const recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

export interface BackupBenchOptions {
  warmup: number;
  reps: number;
  /** Skip the ~1 GiB memory run. */
  skipMemory?: boolean;
  log: (line: string) => void;
}

interface Arm {
  name: string;
  label: string;
  config: Record<string, unknown>;
}

const arms: Arm[] = [
  { name: "default", label: "defaults (gzip, passphrase)", config: {} },
  { name: "zstd", label: "fast option: compression zstd", config: { compression: "zstd" } },
  { name: "brotli", label: "compression brotli", config: { compression: "brotli" } },
];

function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, BENCH_PASS: passphrase, NO_COLOR: "1" };
  delete out.AWS_CA_BUNDLE;
  return out;
}

async function writeConfig(root: string, name: string, backup: Record<string, unknown>): Promise<string> {
  const file = path.join(root, `${name}.json`);
  const config = {
    mode: "mailbox",
    provider: "local",
    local: { path: path.join(root, "cloud", name) },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax people write
    backup: { passphrase: "${BENCH_PASS}", include: ["workspace"], retain: 1, ...backup },
  };
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

async function cliBackup(
  root: string,
  name: string,
  config: string,
  workspace: string,
  extra: { node?: string[]; env?: Record<string, string> } = {},
) {
  const state = path.join(root, "state", name);
  const args = [
    ...(extra.node ?? []),
    cliPath,
    "backup",
    "now",
    "--config",
    config,
    "--workspace",
    workspace,
  ];
  await run(process.execPath, [...args, "--state-dir", state], {
    env: { ...env(), ...extra.env },
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function objectBytes(dir: string, suffix: RegExp): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => suffix.test(n));
  let total = 0;
  for (const name of names) total += (await stat(path.join(dir, name))).size;
  return total;
}

async function speed(fixtures: BackupFixtures, options: BackupBenchOptions): Promise<string> {
  const root = path.join(fixtures.root, "runs");
  await rm(root, { recursive: true, force: true });
  await mkdir(path.join(root, "cloud", "baseline"), { recursive: true });
  const rcloneConfig = path.join(root, "baseline-rclone.conf");
  await writeRcloneConfig(rcloneConfig, {
    cloud: { type: "alias", remote: path.join(root, "cloud", "baseline") },
  });
  const rclone = await findRclone();
  const parent = path.dirname(fixtures.data);
  const base = path.basename(fixtures.data);
  const baseline = `set -o pipefail; tar czf - -C "$1" "$2" | openssl enc -aes-256-cbc -pbkdf2 -pass env:BENCH_PASS | "$3" --config "$4" rcat cloud:snapshot.tar.gz.enc`;
  options.log(`baseline: ${baseline.replace("set -o pipefail; ", "")}`);
  const configs = await Promise.all(arms.map((arm) => writeConfig(root, arm.name, arm.config)));
  const samples: Samples = await interleave(
    [
      {
        name: "baseline",
        run: async () =>
          void (await run("bash", ["-c", baseline, "bash", parent, base, rclone, rcloneConfig], {
            env: env(),
          })),
      },
      ...arms.map((arm, i) => ({
        name: arm.name,
        run: () => cliBackup(root, arm.name, configs[i] ?? "", fixtures.data),
      })),
    ],
    {
      warmup: options.warmup,
      reps: options.reps,
      before: async (i) => options.log(`backup pair ${i + 1}/${options.warmup + options.reps}`),
    },
  );
  const pick = (name: string) => samples[name] ?? [];
  const rows: Row[] = arms.map((arm) => ({
    name: arm.label,
    a: pick(arm.name),
    b: pick("baseline"),
    target: arm.name === "default" ? 1.0 : arm.name === "zstd" ? 1.0 : null,
  }));
  const sizes = await Promise.all([
    objectBytes(path.join(root, "cloud", "baseline"), /\.enc$/),
    ...arms.map((arm) => objectBytes(path.join(root, "cloud", arm.name, "openclaw-backup"), /\.age$/)),
  ]);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const sizeLine = `object sizes: baseline ${mb(sizes[0] ?? 0)}; ${arms.map((arm, i) => `${arm.name} ${mb(sizes[i + 1] ?? 0)}`).join("; ")}`;
  return `${renderTable("Backup: `backup now` (A) vs tar czf | openssl enc | rclone rcat (B), 10k small files + 2 x 100 MiB, local remote", { a: "ours", b: "baseline" }, rows)}\n${sizeLine}`;
}

async function memory(fixtures: BackupFixtures, options: BackupBenchOptions): Promise<string> {
  const root = path.join(fixtures.root, "memory");
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const probe = path.join(root, "rss-probe.mjs");
  await writeFile(
    probe,
    'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(process.env.RSS_PROBE_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
  const lines: string[] = [];
  for (const [name, backup] of [
    ["recipients", { recipients: [recipient], passphrase: undefined }],
    ["passphrase", {}],
  ] as const) {
    options.log(`memory: a ~1 GiB backup sealed with ${name}`);
    const config = await writeConfig(root, name, backup);
    const out = path.join(root, `${name}.rss`);
    const started = performance.now();
    await cliBackup(root, name, config, fixtures.gig, {
      node: ["--import", probe],
      env: { RSS_PROBE_FILE: out },
    });
    const seconds = (performance.now() - started) / 1000;
    const kib = Number(await readFile(out, "utf8"));
    const mib = kib / 1024;
    const target =
      name === "recipients"
        ? ` (target <= 200 MiB: ${mib <= 200 ? "yes" : "NO"})`
        : " (info: scrypt alone takes 256 MiB)";
    lines.push(
      `peak RSS, ~1 GiB backup, ${name.padEnd(10)} ${mib.toFixed(0)} MiB in ${seconds.toFixed(1)} s${target}`,
    );
  }
  return `\nBackup memory (our process; a zstd child would be its own process)\n${lines.join("\n")}`;
}

export async function backupBench(options: BackupBenchOptions): Promise<string> {
  const fixtures = await ensureBackupFixtures(options.log);
  const parts = [await speed(fixtures, options)];
  if (!options.skipMemory) parts.push(await memory(fixtures, options));
  return parts.join("\n");
}
