/**
 * The mailbox cycle against real remotes on 127.0.0.1: SFTP (`rclone serve sftp`, through the `custom`
 * provider) and S3 (`s3rver`, through the `s3` provider, files under `<bucket>/<remotePath>`).
 * Convergence is checked by an independent `rclone check` with its own config.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, filesIn, rcloneCheck, type Sandbox, testEnv } from "../support/sandbox.js";
import { startS3Server, startSftpServer, type TestRemote } from "../support/servers.js";

const run = promisify(execFile);

const kinds = {
  sftp: (dir: string) => startSftpServer(dir),
  s3: (dir: string) => startS3Server(dir),
} as const;

for (const [kind, start] of Object.entries(kinds)) {
  describe(`mailbox on ${kind}`, () => {
    let sb: Sandbox;
    let remote: TestRemote;
    let serverRoot: string;

    beforeAll(async () => {
      serverRoot = await mkdtemp(join(tmpdir(), "wsync-server-"));
      remote = await start(join(serverRoot, "data"));
      sb = await createSandbox(remote.config);
    });
    afterAll(async () => {
      await remote?.stop();
      await sb?.cleanup();
      await rm(serverRoot, { recursive: true, force: true });
    });

    it("pushes the workspace to the remote, where an independent check finds it identical", async () => {
      await writeFile(join(sb.shared, "report.md"), "# report\n");
      await mkdir(join(sb.shared, "notes"), { recursive: true });
      await writeFile(join(sb.shared, "notes", "a.txt"), "a\n");
      const first = await sb.cli("sync");
      expect(first.stderr).not.toContain("S3RVER");
      expect(first.code, first.stderr).toBe(0);

      const check = await rcloneCheck(sb.shared, remote.root(), [
        "--config",
        remote.rcloneConfig,
        "--exclude",
        "_inbox/**",
        "--exclude",
        "_outbox/**",
      ]);
      expect(check.code, check.stderr).toBe(0);
    });

    it("delivers a file dropped in the remote _outbox into _inbox", async () => {
      const upload = join(sb.root, "dropped.txt");
      await writeFile(upload, "for the agent\n");
      await run(
        "rclone",
        ["copyto", upload, `${remote.root()}/_outbox/dropped.txt`, "--config", remote.rcloneConfig],
        { env: testEnv() },
      );
      const result = await sb.cli("sync");
      expect(result.code, result.stderr).toBe(0);
      expect(await filesIn(join(sb.shared, "_inbox"))).toEqual(["dropped.txt"]);
      expect(await readFile(join(sb.shared, "_inbox", "dropped.txt"), "utf8")).toBe("for the agent\n");
    });
  });
}
