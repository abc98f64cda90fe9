/**
 * The backup's rclone calls, a run and a streamed `cat` alike, read exit codes by the scheme they are given
 * (`backupOps({ exitCodes })`), or by the version a reader finds (the commands that only read): a stand-in
 * `rclone` reports 1.69.1 and fails every other command with exit 1 or 2 and a line no rule knows.
 * (`backup now` through the CLI is in test/cli/exit-codes.test.ts; a failed `cat` stream there is reported
 * by the reader that decodes it, so the stream is checked here.)
 */
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { backupOps } from "../../src/backup/ops.js";
import { type ExitCodesSource, exitCodesOnDemand } from "../../src/rclone/exit-codes.js";
import { testEnv } from "../support/sandbox.js";

let dir: string | null = null;
afterEach(async () => {
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function opsFailingWith(code: number, scheme: ExitCodesSource | "read") {
  dir = await mkdtemp(join(tmpdir(), "wsync-ops-"));
  const binary = join(dir, "rclone");
  await writeFile(
    binary,
    `#!/bin/bash
if [ "$1" = version ]; then echo 'rclone v1.69.1'; exit 0; fi
echo '{"level":"error","msg":"something odd"}' >&2
exit ${code}
`,
  );
  await chmod(binary, 0o755);
  const remote = {
    configPath: join(dir, "rclone.conf"),
    root: "backup:openclaw-backup",
    redact: (text: string) => text,
    describe: "a stand-in",
    provider: "local",
  };
  const exitCodes = scheme === "read" ? exitCodesOnDemand(binary, testEnv()) : scheme;
  return backupOps({ binary, remote, env: testEnv(), timeoutMs: 10_000, exitCodes });
}

describe("backup ops classify by the installed rclone's exit codes", () => {
  it.each([
    [1, "1.69", "retryable", /network or server problem/],
    [2, "1.69", "fatal", /a usage error/],
    [1, "1.60", "fatal", undefined],
    [2, "1.60", "retryable", /network or server problem/],
    [1, "read", "retryable", /network or server problem/],
    [2, "read", "fatal", /a usage error/],
  ] as const)("exit %i under %s is %s", async (code, scheme, kind, hint) => {
    const ops = await opsFailingWith(code, scheme);
    const run = await ops.run(["lsjson", ops.path("")]);
    expect(run.ok).toBe(false);
    const stream = ops.stream(["cat", ops.path("x.tar.gz")]);
    stream.stdout.resume();
    const streamed = await stream.exit;
    for (const failure of [run.ok ? null : run.failure, streamed]) {
      expect(failure).toMatchObject({ kind, message: "something odd", exitCode: code });
      if (hint === undefined) expect(failure?.hint).toBeUndefined();
      else expect(failure?.hint).toMatch(hint);
    }
  });
});
