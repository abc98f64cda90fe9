/**
 * A command that has not read rclone's version hands runs a reader of it (`exitCodesOnDemand`): `rclone
 * version` runs only when a run fails with exit 1 or 2 (the codes 1.69 swapped), at most once, and a run that
 * succeeds or fails otherwise never pays for it. A stand-in `rclone` counts its `version` calls.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodesFor, exitCodesOnDemand } from "../../src/rclone/exit-codes.js";
import { runRclone } from "../../src/rclone/run.js";
import { testEnv } from "../support/sandbox.js";

let dir: string | null = null;
afterEach(async () => {
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  dir = null;
});

/** `rclone` that answers `version` with `line` (or fails it when null) and exits `code` for `lsf`. */
async function standIn(line: string | null, code: number) {
  dir = await mkdtemp(join(tmpdir(), "wsync-exit-codes-"));
  const calls = join(dir, "version-calls");
  await writeFile(calls, "");
  const binary = join(dir, "rclone");
  const version = line === null ? "exit 1" : `echo '${line}'; exit 0`;
  await writeFile(
    binary,
    `#!/bin/bash
if [ "$1" = version ]; then echo x >> ${JSON.stringify(calls)}; ${version}; fi
if [ ${code} != 0 ]; then echo '{"level":"error","msg":"something odd"}' >&2; fi
exit ${code}
`,
  );
  await chmod(binary, 0o755);
  const versionCalls = async () => (await readFile(calls, "utf8")).length / 2;
  const run = (reader: () => Promise<"1.60" | "1.69">) =>
    runRclone({
      binary,
      args: ["lsf", "x:"],
      configPath: join(dir ?? "", "rclone.conf"),
      env: testEnv(),
      timeoutMs: 10_000,
      exitCodes: reader,
    });
  return { binary, versionCalls, run };
}

describe("exit codes read on demand", () => {
  it.each([
    [0, 0],
    [3, 0],
    [7, 0],
    [1, 1],
    [2, 1],
  ])("a run exiting %i reads the version %i time(s)", async (code, reads) => {
    const rclone = await standIn("rclone v1.69.1", code);
    const reader = exitCodesOnDemand(rclone.binary, testEnv());
    const result = await rclone.run(reader);
    expect(result.ok).toBe(code === 0);
    expect(await rclone.versionCalls()).toBe(reads);
  });

  it("classifies by the version it read, and reads it once for many runs", async () => {
    const rclone = await standIn("rclone v1.69.1", 2);
    const reader = exitCodesOnDemand(rclone.binary, testEnv());
    for (let i = 0; i < 3; i++) {
      const result = await rclone.run(reader);
      expect(result.ok ? null : result.failure).toMatchObject({ kind: "fatal", hint: /a usage error/ });
    }
    expect(await rclone.versionCalls()).toBe(1);
  });

  it("a version it cannot read gives the oldest supported rclone's meaning", async () => {
    const rclone = await standIn(null, 2);
    const reader = exitCodesOnDemand(rclone.binary, testEnv());
    expect(await exitCodesFor(reader, 2)).toBe("1.60");
    const result = await rclone.run(reader);
    expect(result.ok ? null : result.failure.kind).toBe("retryable");
  });

  it("a scheme given is used as it is", async () => {
    expect(await exitCodesFor("1.69", 3)).toBe("1.69");
    expect(await exitCodesFor(undefined, 1)).toBeUndefined();
  });
});
