/**
 * rclone's exit codes are read by their meaning for the installed version: from 1.69 exit 1 is uncategorised
 * (retryable) and exit 2 a usage error (fatal: retrying cannot help); up to 1.68 it is the other way round.
 * Through the real CLI, with a stand-in `rclone` that reports a version and fails one subcommand with a given
 * exit code and a line no rule knows; every other command goes to the real rclone. Every door that runs
 * rclone is covered: a sync cycle, `list`, `backup now` (its upload), `backup list` (a command that only
 * reads, which asks for the version only when rclone exits 1 or 2), and `status`'s probe of the remote.
 * (No rclone 1.69+ can be installed here: see test/rclone/fixtures/v1.69/README.md.)
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, createSandbox, runCaptured, type Sandbox, testEnv } from "../support/sandbox.js";

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.cleanup();
  box = null;
});

/** `rclone` reporting `version`, failing `command` with `code` (an `rcat` reads its input first). */
async function standIn(dir: string, version: string, command: string, code: number): Promise<string> {
  const path = join(dir, "rclone");
  await writeFile(
    path,
    `#!/bin/bash
if [ "$1" = version ]; then printf 'rclone v${version}\\n- os/type: linux\\n'; exit 0; fi
if [ "$1" = ${command} ]; then
  if [ "$1" = rcat ]; then cat >/dev/null; fi
  echo '{"level":"error","msg":"Failed to ${command}: something odd"}' >&2; exit ${code}
fi
exec rclone "$@"
`,
  );
  await chmod(path, 0o755);
  return path;
}

const retryable = { kind: "retryable", hint: /A network or server problem/ };
const usage = { kind: "fatal", hint: /rclone refused the command line \(a usage error\)/ };
/** Up to 1.68, exit 1 (a usage error) gets no hint of its own. */
const oldUsage = { kind: "fatal", hint: null };
type Expected = typeof retryable | typeof oldUsage;

/** Each version with each exit code, and what it means there. */
const cases: [string, number, Expected][] = [
  ["1.69.1", 1, retryable],
  ["1.69.1", 2, usage],
  ["1.60.1", 1, oldUsage],
  ["1.60.1", 2, retryable],
];

/** `<what> failed: <kind>: <message> (<hint>)` as the CLI prints a failure. */
function expectFailure(stderr: string, what: string, command: string, expected: Expected): void {
  expect(stderr).toContain(`${what}: ${expected.kind}: Failed to ${command}: something odd`);
  if (expected.hint === null) expect(stderr).not.toMatch(/something odd \(/);
  else expect(stderr).toMatch(expected.hint);
}

describe("rclone's exit codes by version", () => {
  it.each([
    ["1.69.1", 1, "sync failed: fatal: ", /usage error/],
    ["1.60.1", 1, "sync did not finish: retryable: ", /nothing retries it now/],
  ])("rclone %s exiting 2", async (version, code, said, hint) => {
    box = await createSandbox();
    await writeFile(join(box.shared, "a.txt"), "a");
    const rclone = await standIn(box.root, version, "sync", 2);
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

  it.each(cases)("list: rclone %s exiting %i", async (version, code, expected) => {
    box = await createSandbox();
    const rclone = await standIn(box.root, version, "lsjson", code);
    const env = testEnv({ WORKSPACE_SYNC_RCLONE: rclone });
    const result = await runCaptured(process.execPath, [cliPath, "list", ...box.args], env);
    expect(result.code, result.stderr).toBe(1);
    expectFailure(result.stderr, "list failed", "lsjson", expected);
  });

  /** A sandbox with an unencrypted backup block, and the environment that runs `rclone` as the stand-in. */
  async function backupBox(version: string, command: string, code: number) {
    box = await createSandbox({ backup: { enabled: true, include: ["workspace"], encrypt: false } });
    await writeFile(join(box.shared, "a.txt"), "a");
    const openclaw = join(box.root, "openclaw");
    await mkdir(openclaw);
    const rclone = await standIn(box.root, version, command, code);
    // testEnv drops any OPENCLAW_STATE_DIR it is given (no stray OpenClaw dirs): this one is the sandbox's own.
    return { box, env: { ...testEnv({ WORKSPACE_SYNC_RCLONE: rclone }), OPENCLAW_STATE_DIR: openclaw } };
  }

  it.each(cases)("backup now: rclone %s exiting %i", async (version, code, expected) => {
    const { box, env } = await backupBox(version, "rcat", code);
    const result = await runCaptured(process.execPath, [cliPath, "backup", "now", ...box.args], env);
    expect(result.code, result.stderr).toBe(1);
    expectFailure(result.stderr, "backup failed", "rcat", expected);
  });

  it.each(cases)(
    "backup list (reads the version only then): rclone %s exiting %i",
    async (version, code, expected) => {
      const { box, env } = await backupBox(version, "lsjson", code);
      const result = await runCaptured(process.execPath, [cliPath, "backup", "list", ...box.args], env);
      expect(result.code, result.stderr).toBe(1);
      expectFailure(result.stderr, "backup list failed", "lsjson", expected);
    },
  );

  it.each(cases)("status: rclone %s exiting %i", async (version, code, expected) => {
    box = await createSandbox();
    const rclone = await standIn(box.root, version, "lsjson", code);
    const env = testEnv({ WORKSPACE_SYNC_RCLONE: rclone });
    const result = await runCaptured(process.execPath, [cliPath, "status", "--json", ...box.args], env);
    expect(result.code, result.stderr).toBe(1);
    const { checks } = JSON.parse(result.stdout) as {
      checks: { id: string; ok: boolean | null; detail: string; fix?: string }[];
    };
    const failed = checks.find((c) => c.ok === false);
    // A retryable failure means the remote did not answer; any other, that it refused what it was asked.
    expect(failed?.id).toBe(expected.kind === "retryable" ? "reachable" : "credentials");
    expect(failed?.detail).toBe("Failed to lsjson: something odd");
    if (expected.hint === null) expect(failed?.fix).toMatch(/check the credentials/);
    else expect(failed?.fix).toMatch(expected.hint);
  });
});
