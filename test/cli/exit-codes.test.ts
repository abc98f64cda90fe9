/**
 * rclone's exit codes are read by their meaning for the installed version: from 1.69 exit 2 is a usage error
 * (fatal: retrying cannot help), before it exit 2 is uncategorised (retried). Through the real CLI, with a
 * stand-in `rclone` that reports a version and fails `sync` with exit 2 and a line no rule knows; every other
 * command goes to the real rclone. (No rclone 1.69+ can be installed here: see fixtures/v1.69/README.md.)
 */
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, createSandbox, runCaptured, type Sandbox, testEnv } from "../support/sandbox.js";

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.cleanup();
  box = null;
});

async function standIn(dir: string, version: string): Promise<string> {
  const path = join(dir, "rclone");
  await writeFile(
    path,
    `#!/bin/bash
if [ "$1" = version ]; then printf 'rclone v${version}\\n- os/type: linux\\n'; exit 0; fi
if [ "$1" = sync ]; then echo '{"level":"error","msg":"Failed to sync: something odd"}' >&2; exit 2; fi
exec rclone "$@"
`,
  );
  await chmod(path, 0o755);
  return path;
}

describe("rclone's exit codes by version", () => {
  it.each([
    ["1.69.1", 1, "sync failed: fatal: ", /usage error/],
    ["1.60.1", 1, "sync did not finish: retryable: ", /nothing retries it now/],
  ])("rclone %s exiting 2", async (version, code, said, hint) => {
    box = await createSandbox();
    await writeFile(join(box.shared, "a.txt"), "a");
    const rclone = await standIn(box.root, version);
    const env = testEnv({ WORKSPACE_SYNC_RCLONE: rclone });
    const result = await runCaptured(process.execPath, [cliPath, "sync", ...box.args], env);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(said);
    expect(result.stderr).toContain("something odd");
    expect(result.stderr).toMatch(hint);
    const status = await runCaptured(process.execPath, [cliPath, "status", "--json", ...box.args], env);
    const report = JSON.parse(status.stdout);
    expect(report.rclone).toBe(`rclone v${version}`);
    expect(report.state).toBe(version === "1.69.1" ? "failed" : "recovering");
  });
});
