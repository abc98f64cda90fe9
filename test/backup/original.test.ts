/**
 * The original plugin's snapshots, made here by its exact pipeline (its `src/backup-manager.ts`, v2.4.1:
 * `tar cz -C <parent> <name> ... | openssl enc -aes-256-cbc -salt -pbkdf2 -iter 100000 -pass env:... |
 * rclone rcat <remote>/backup-<time>Z.tar.gz.enc`, GNU tar and OpenSSL from the system): `backup list`
 * shows them marked as the original's, `verify`, `restore`, `ls` and `restore --path` read them with the
 * passphrase, a wrong passphrase is one line with nothing written, and retention never deletes them.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, runCaptured } from "../support/sandbox.js";
import { type BackupSandbox, backupSandbox, makeTree, objectsIn, passphrase, treeOf } from "./helpers.js";

const run = promisify(execFile);
const encrypted = "backup-20261120T101500Z.tar.gz.enc";
const plain = "backup-20261119T080000Z.tar.gz";

/** The original's pipeline, with its own arguments (`buildTarArgs`, `streamBackup`). */
async function originalBackup(box: BackupSandbox, name: string, encrypt: boolean): Promise<void> {
  const enc = encrypt
    ? "| openssl enc -aes-256-cbc -salt -pbkdf2 -iter 100000 -pass env:OPENCLAW_BACKUP_PASS "
    : "";
  const script = `set -o pipefail; tar cz -C "$1" openclaw.json -C "$2" workspace ${enc}| rclone rcat "$3"`;
  await run("bash", ["-c", script, "bash", box.openclaw, box.root, join(box.backupDir, name)], {
    env: { ...process.env, OPENCLAW_BACKUP_PASS: passphrase, AWS_CA_BUNDLE: "" },
  });
}

describe("the original plugin's snapshots", () => {
  let box: BackupSandbox;

  beforeAll(async () => {
    box = await backupSandbox({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax people write
      passphrase: "${BACKUP_PASSPHRASE}",
      include: ["workspace", "config"],
      retain: 1,
    });
    await makeTree(box.workspace);
    await writeFile(join(box.openclaw, "openclaw.json"), '{ "agents": {} }\n');
    await originalBackup(box, encrypted, true);
    await originalBackup(box, plain, false);
  }, 60_000);
  afterAll(async () => box.cleanup());

  it("lists them, marked as the original's", async () => {
    const listed = await box.run("backup", "list", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const { snapshots, original } = JSON.parse(listed.stdout) as {
      snapshots: unknown[];
      original: { id: string; name: string; encrypted: boolean; time: string }[];
    };
    expect(snapshots).toEqual([]);
    expect(original).toEqual([
      expect.objectContaining({
        id: "backup-20261120T101500Z",
        name: encrypted,
        encrypted: true,
        time: "2026-11-20T10:15:00Z",
      }),
      expect.objectContaining({ id: "backup-20261119T080000Z", name: plain, encrypted: false }),
    ]);
    const text = await box.run("backup", "list");
    expect(text.stdout).toMatch(
      /^backup-20261120T101500Z {2}2026-11-20T10:15:00Z {2}from the original plugin .*tar\.gz\+openssl$/m,
    );
  });

  it("verifies and restores the encrypted one byte for byte with the passphrase", async () => {
    const verified = await box.run("backup", "verify", "--snapshot", "backup-20261120", "--json");
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: true,
      id: "backup-20261120T101500Z",
      origin: "original",
    });
    const to = join(box.root, "restored");
    const restored = await box.run("backup", "restore", "--snapshot", "backup-20261120T101500Z", "--to", to);
    expect(restored.code, restored.stderr).toBe(0);
    // GNU tar's long names (a path over 100 bytes) come back too.
    expect(await treeOf(join(to, "workspace"))).toEqual(await treeOf(box.workspace));
    expect(await readFile(join(to, "openclaw.json"), "utf8")).toBe('{ "agents": {} }\n');
  });

  it("lists and restores one file of it, and of the unencrypted one", async () => {
    const ls = await box.run("backup", "ls", "backup-20261120T101500Z", "*.md", "--json");
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as { entries: { path: string }[] }).entries.map((e) => e.path)).toEqual([
      "workspace/notes/today.md",
    ]);
    for (const id of ["backup-20261120T101500Z", "backup-20261119T080000Z"]) {
      const to = join(box.root, `one-${id}`);
      const one = await box.run(
        "backup",
        "restore",
        "--snapshot",
        id,
        "--path",
        "workspace/notes/today.md",
        "--to",
        to,
      );
      expect(one.code, one.stderr).toBe(0);
      expect(await readdir(to, { recursive: true })).toEqual([
        "workspace",
        "workspace/notes",
        "workspace/notes/today.md",
      ]);
      expect(await readFile(join(to, "workspace", "notes", "today.md"), "utf8")).toBe(
        "# Today\n\n- backups\n",
      );
    }
  });

  it("a wrong passphrase is one line, and nothing is written", async () => {
    const env = { ...box.env, BACKUP_PASSPHRASE: "not the original's passphrase" };
    for (const extra of [[], ["--path", "*.md"]]) {
      const to = join(box.root, "wrong", "target");
      const args = [
        cliPath,
        "backup",
        "restore",
        "--snapshot",
        "backup-20261120T101500Z",
        ...extra,
        "--to",
        to,
      ];
      const result = await runCaptured(process.execPath, [...args, ...box.args], env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(
        /cannot decrypt snapshot backup-20261120T101500Z: the passphrase does not open it/,
      );
      await expect(readdir(join(box.root, "wrong"))).rejects.toThrow(/ENOENT/);
    }
  });

  it("retention never deletes them", async () => {
    for (let i = 0; i < 2; i++) {
      const made = await box.run("backup", "now");
      expect(made.code, made.stderr).toBe(0);
    }
    const objects = await objectsIn(box.backupDir);
    expect(objects).toContain(encrypted);
    expect(objects).toContain(plain);
    expect(objects.filter((n) => n.endsWith(".manifest.json"))).toHaveLength(1);
    // The newest of all is now ours; the original's stay restorable by id.
    const listed = JSON.parse((await box.run("backup", "list", "--json")).stdout) as { original: unknown[] };
    expect(listed.original).toHaveLength(2);
    await rm(join(box.root, "restored"), { recursive: true, force: true });
  }, 90_000);
});
