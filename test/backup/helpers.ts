/** A sandbox for backup tests: the real CLI with its own environment, trees to compare byte for byte. */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import {
  type CliResult,
  cliPath,
  createSandbox,
  runCaptured,
  type Sandbox,
  testEnv,
} from "../support/sandbox.js";

const run = promisify(execFile);

export const passphrase = "correct horse battery staple 42";

export interface BackupSandbox extends Sandbox {
  openclaw: string;
  backupDir: string;
  env: NodeJS.ProcessEnv;
  run(...argv: string[]): Promise<CliResult>;
  spawnRun(...argv: string[]): ReturnType<typeof spawn>;
}

export async function backupSandbox(
  backup: Record<string, unknown>,
  sync: Record<string, unknown> = {},
  extraEnv: Record<string, string> = {},
): Promise<BackupSandbox> {
  const box = await createSandbox({ ...sync, backup: { enabled: true, include: ["workspace"], ...backup } });
  const openclaw = join(box.root, "openclaw");
  await mkdir(openclaw, { recursive: true });
  // testEnv drops any OPENCLAW_STATE_DIR it is given (no stray OpenClaw dirs): this one is the sandbox's own.
  const env = { ...testEnv({ BACKUP_PASSPHRASE: passphrase, ...extraEnv }), OPENCLAW_STATE_DIR: openclaw };
  const runCli = (...argv: string[]): Promise<CliResult> =>
    runCaptured(process.execPath, [cliPath, ...argv, ...box.args], env);
  return {
    ...box,
    openclaw,
    backupDir: join(box.cloud, "openclaw-backup"),
    env,
    run: runCli,
    spawnRun: (...argv) =>
      spawn(process.execPath, [cliPath, ...argv, ...box.args], { env, stdio: ["ignore", "pipe", "pipe"] }),
  };
}

export interface TreeEntry {
  type: "file" | "dir" | "symlink";
  mode: number;
  size?: number;
  sha256?: string;
  target?: string;
  mtime?: number;
}

/** Every entry under `dir` with its type, mode, content hash or link target, and mtime (whole seconds). */
export async function treeOf(dir: string): Promise<Record<string, TreeEntry>> {
  const out: Record<string, TreeEntry> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const abs = join(entry.parentPath, entry.name);
    const info = await lstat(abs);
    const rel = relative(dir, abs);
    const mode = info.mode & 0o7777;
    const mtime = Math.floor(info.mtimeMs / 1000);
    if (info.isSymbolicLink()) out[rel] = { type: "symlink", mode: 0, target: await readlink(abs) };
    else if (info.isDirectory()) out[rel] = { type: "dir", mode, mtime };
    else {
      const sha256 = createHash("sha256")
        .update(await readFile(abs))
        .digest("hex");
      out[rel] = { type: "file", mode, size: info.size, sha256, mtime };
    }
  }
  return out;
}

/** A workspace with what a restore must bring back exactly: modes, symlinks, odd names, long paths. */
export async function makeTree(dir: string): Promise<void> {
  await mkdir(join(dir, "notes", "deep", "er"), { recursive: true });
  await mkdir(join(dir, "empty-folder"), { recursive: true });
  await writeFile(join(dir, "notes", "today.md"), "# Today\n\n- backups\n");
  await writeFile(
    join(dir, "notes", "deep", "er", "binary.bin"),
    Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]),
  );
  await writeFile(join(dir, "empty.txt"), "");
  await writeFile(join(dir, "secret.key"), "not really a key\n");
  await chmod(join(dir, "secret.key"), 0o600);
  await writeFile(join(dir, "run.sh"), "#!/bin/sh\necho hi\n");
  await chmod(join(dir, "run.sh"), 0o755);
  await writeFile(join(dir, "ünïcödé name.txt"), "ünïcödé\n");
  const long = join(dir, "a".repeat(60), "b".repeat(60));
  await mkdir(long, { recursive: true });
  await writeFile(join(long, `${"c".repeat(90)}.txt`), "long path\n");
  await writeFile(join(dir, "big.bin"), Buffer.alloc(3 * 1024 * 1024 + 17, "big-"));
  await symlink("notes/today.md", join(dir, "link-to-today"));
  await symlink("/etc/hostname", join(dir, "absolute-link"));
  await symlink("missing-target", join(dir, "dangling-link"));
  await chmod(join(dir, "notes", "deep"), 0o750);
}

/** `age-keygen` output: the identity file and its public key. */
export async function ageKeypair(): Promise<{ identityFile: string; recipient: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "wsync-age-"));
  const identityFile = join(dir, "age-key.txt");
  await run("age-keygen", ["-o", identityFile]);
  const text = await readFile(identityFile, "utf8");
  const recipient = /public key: (age1[0-9a-z]+)/.exec(text)?.[1];
  if (!recipient) throw new Error("age-keygen printed no public key");
  return { identityFile, recipient, dir };
}

/** The objects in the local backup folder (names, sorted). */
export async function objectsIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
