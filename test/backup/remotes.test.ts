/**
 * Backups on real remotes on 127.0.0.1: SFTP (`rclone serve sftp`) through the `custom` provider, and S3
 * (`s3rver`) with a bucket and a prefix. Round trip byte for byte; verify catches a flipped byte on S3.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnv } from "../support/sandbox.js";
import { startS3Server, startSftpServer, type TestRemote } from "../support/servers.js";
import { ageKeypair, type BackupSandbox, backupSandbox, makeTree, treeOf } from "./helpers.js";

const run = promisify(execFile);

async function rclone(config: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("rclone", ["--config", config, ...args], {
    env: testEnv(),
    encoding: "latin1",
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

const remotes: [
  string,
  (dir: string) => Promise<TestRemote>,
  (remote: TestRemote) => Record<string, unknown>,
][] = [
  [
    "sftp",
    startSftpServer,
    (remote) => ({ provider: "custom", custom: remote.config.custom, prefix: "backups/main" }),
  ],
  [
    "s3",
    (dir) => startS3Server(dir, "wsync-backups"),
    (remote) => ({ provider: "s3", s3: remote.config.s3, prefix: "snapshots" }),
  ],
];

describe.each(remotes)("backup on %s", (name, start, backupConfig) => {
  let remote: TestRemote;
  let box: BackupSandbox;
  let objectPath: (object: string) => string;
  let serverDir: string;
  let keyDir: string;

  beforeAll(async () => {
    const keys = await ageKeypair();
    serverDir = await mkdtemp(join(tmpdir(), `wsync-${name}-`));
    keyDir = keys.dir;
    remote = await start(join(serverDir, "data"));
    box = await backupSandbox({
      recipients: [keys.recipient],
      identityFile: keys.identityFile,
      ...backupConfig(remote),
    });
    await makeTree(box.workspace);
    objectPath = (object) =>
      name === "s3" ? `check:wsync-backups/snapshots/${object}` : `check:backups/main/${object}`;
  });
  afterAll(async () => {
    await remote?.stop();
    await box?.cleanup();
    await rm(serverDir, { recursive: true, force: true });
    await rm(keyDir, { recursive: true, force: true });
  });

  it("round trips byte for byte through list, verify and restore", async () => {
    const made = await box.run("backup", "now", "--json");
    expect(made.code, made.stderr).toBe(0);
    const listed = JSON.parse((await box.run("backup", "list", "--json")).stdout) as {
      snapshots: { id: string; object: { name: string } }[];
    };
    expect(listed.snapshots).toHaveLength(1);
    const objects = (await rclone(remote.rcloneConfig, "lsf", objectPath(""))).split("\n").filter(Boolean);
    expect(objects.sort()).toEqual(
      [`${listed.snapshots[0]?.id}.manifest.json`, listed.snapshots[0]?.object.name].sort(),
    );
    const verified = await box.run("backup", "verify", "--json");
    expect(verified.code, verified.stderr).toBe(0);
    const to = join(box.root, "restored");
    const restored = await box.run("backup", "restore", "--to", to);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await treeOf(join(to, "workspace"))).toEqual(await treeOf(box.workspace));
  });

  it("fails verify on a flipped byte in the stored object", async () => {
    const listed = JSON.parse((await box.run("backup", "list", "--json")).stdout) as {
      snapshots: { object: { name: string } }[];
    };
    const path = objectPath(listed.snapshots[0]?.object.name ?? "");
    const original = Buffer.from(await rclone(remote.rcloneConfig, "cat", path), "latin1");
    const flipped = Buffer.from(original);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = (flipped[at] ?? 0) ^ 0x80;
    const upload = async (data: Buffer) => {
      const child = execFile("rclone", ["--config", remote.rcloneConfig, "rcat", path], { env: testEnv() });
      const done = new Promise((resolve, reject) =>
        child.once("exit", (code) => (code === 0 ? resolve(code) : reject(new Error(`rcat ${code}`)))),
      );
      child.stdin?.end(data);
      await done;
    };
    await upload(flipped);
    try {
      const verified = await box.run("backup", "verify");
      expect(verified.code).toBe(1);
      expect(verified.stderr).toMatch(/damaged/);
    } finally {
      await upload(original);
    }
  });
});
