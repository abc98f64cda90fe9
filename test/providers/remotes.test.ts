/**
 * Providers against real servers on 127.0.0.1: S3 (`s3rver`) with `bucket` + `remotePath` puts files
 * at `<bucket>/<remotePath>`; SFTP through `custom` (`rclone serve sftp`); `status` walks its checks
 * against both, and names the failing one (wrong password, server down) with its fix.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox, testEnv } from "../support/sandbox.js";
import { startS3Server, startSftpServer, type TestRemote } from "../support/servers.js";

const run = promisify(execFile);

interface StatusJson {
  ok: boolean;
  remote?: string;
  checks: { id: string; ok: boolean | null; detail: string; fix?: string }[];
}

describe("s3 with a bucket and a remotePath", () => {
  let server: TestRemote;
  let dir: string;
  let box: Sandbox;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wsync-s3-"));
    server = await startS3Server(join(dir, "data"), "agents-bucket");
    box = await createSandbox({ ...server.config, remotePath: "team/agent-7" });
  });
  afterAll(async () => {
    await server?.stop();
    await box?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("status passes every check, then sync puts files under bucket/remotePath on the server", async () => {
    const before = await box.cli("status", "--json");
    expect(before.code, before.stderr).toBe(0);
    const status = JSON.parse(before.stdout) as StatusJson;
    expect(status.checks.map((c) => [c.id, c.ok])).toEqual([
      ["rclone", true],
      ["config", true],
      ["remote", true],
      ["credentials", true],
      ["reachable", true],
      ["remotePath", true],
    ]);
    expect(status.remote).toBe("cloud:agents-bucket/team/agent-7");

    await writeFile(join(box.shared, "report.md"), "# r\n");
    const sync = await box.cli("sync");
    expect(sync.code, sync.stderr).toBe(0);
    // Read independently: the bucket's listing with the check config, and s3rver's own files on disk.
    const listed = await run(
      "rclone",
      ["lsf", "-R", "--files-only", "check:agents-bucket", "--config", server.rcloneConfig],
      {
        env: testEnv(),
      },
    );
    expect(listed.stdout.split("\n")).toContain("team/agent-7/report.md");
    const onDisk = await filesIn(join(dir, "data", "agents-bucket"));
    expect(onDisk.some((f) => f.startsWith("team/agent-7/report.md"))).toBe(true);
    expect(onDisk.some((f) => f.startsWith("openclaw-share"))).toBe(false);
  });
});

describe("sftp through custom", () => {
  let server: TestRemote;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wsync-sftp-"));
    server = await startSftpServer(join(dir, "data"));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("a wrong password stops status at `credentials accepted`, with the fix and no secret", async () => {
    const options = (server.config.custom as { rcloneOptions: Record<string, string> }).rcloneOptions;
    const obscured = (
      await run("rclone", ["obscure", "wrong-password-planted"], { env: testEnv() })
    ).stdout.trim();
    const box = await createSandbox({
      provider: "custom",
      custom: { rcloneType: "sftp", rcloneOptions: { ...options, pass: obscured } },
    });
    try {
      const result = await box.cli("status");
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("✔ remote configured");
      expect(result.stderr).toContain("✗ credentials accepted");
      expect(result.stderr).toContain("fix:");
      expect(result.stdout + result.stderr).not.toContain(obscured);
      const json = JSON.parse((await box.cli("status", "--json")).stdout) as StatusJson;
      expect(json.ok).toBe(false);
      expect(json.checks.at(-1)).toMatchObject({ id: "credentials", ok: false });
    } finally {
      await box.cleanup();
    }
  }, 60_000);

  it("a server that is down stops status at `remote reachable`", async () => {
    const options = (server.config.custom as { rcloneOptions: Record<string, string> }).rcloneOptions;
    const box = await createSandbox({
      provider: "custom",
      custom: { rcloneType: "sftp", rcloneOptions: { ...options, port: "1" } },
    });
    try {
      const result = await box.cli("status", "--json");
      expect(result.code).toBe(1);
      const json = JSON.parse(result.stdout) as StatusJson;
      expect(json.checks.slice(-2)).toMatchObject([
        { id: "credentials", ok: null },
        { id: "reachable", ok: false },
      ]);
      // --offline skips the remote and reports the local state.
      const offline = await box.cli("status", "--offline", "--json");
      expect(offline.code, offline.stderr).toBe(0);
      expect(JSON.parse(offline.stdout).state).toBe("idle");
    } finally {
      await box.cleanup();
    }
  }, 60_000);
});
