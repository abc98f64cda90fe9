import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findRclone,
  parseRcloneVersion,
  RcloneNotFoundError,
  RcloneVersionError,
  rcloneAtLeast,
  readRcloneVersion,
} from "../../src/rclone/binary.js";

describe("parseRcloneVersion", () => {
  it.each([
    ["rclone v1.60.1-DEV\n- os/version: debian 12.11 (64 bit)\n", { major: 1, minor: 60, patch: 1 }],
    ["rclone v1.66.0\n", { major: 1, minor: 66, patch: 0 }],
    ["rclone v1.75.0", { major: 1, minor: 75, patch: 0 }],
    ["rclone v1.70.0-beta.8650.2b3a7b4c0\n", { major: 1, minor: 70, patch: 0 }],
  ])("%j", (text, expected) => {
    const version = parseRcloneVersion(text);
    expect(version).toMatchObject(expected);
    expect(version.raw).toBe(text.split("\n")[0]);
  });

  it("refuses a garbage line with a clear error", () => {
    expect(() => parseRcloneVersion("bash: rclone: command not found")).toThrow(RcloneVersionError);
    expect(() => parseRcloneVersion("bash: rclone: command not found")).toThrow(
      'Unrecognised rclone version line: "bash: rclone: command not found" (expected "rclone vX.Y.Z").',
    );
    expect(() => parseRcloneVersion("")).toThrow(RcloneVersionError);
  });

  it("compares versions", () => {
    const v = parseRcloneVersion("rclone v1.60.1-DEV");
    expect(rcloneAtLeast(v, 1, 60)).toBe(true);
    expect(rcloneAtLeast(v, 1, 60, 2)).toBe(false);
    expect(rcloneAtLeast(v, 1, 66)).toBe(false);
    expect(rcloneAtLeast(parseRcloneVersion("rclone v2.0.0"), 1, 66)).toBe(true);
  });
});

describe("findRclone", () => {
  let dir: string;
  let fake: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ws-rclone-bin-"));
    fake = path.join(dir, "rclone");
    await writeFile(fake, "#!/bin/sh\necho 'rclone v1.75.0'\n");
    await chmod(fake, 0o755);
    await writeFile(path.join(dir, "not-executable"), "");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("uses an explicit binary first, then WORKSPACE_SYNC_RCLONE, then PATH", async () => {
    const env = { PATH: "/usr/bin:/bin", WORKSPACE_SYNC_RCLONE: "/usr/bin/rclone" };
    expect(await findRclone({ binary: fake, env })).toBe(fake);
    expect(await findRclone({ env: { ...env, WORKSPACE_SYNC_RCLONE: fake } })).toBe(fake);
    expect(await findRclone({ env: { PATH: `/nonexistent:${dir}:/usr/bin` } })).toBe(fake);
    expect(await findRclone({ env: { PATH: "/usr/bin:/bin" } })).toBe("/usr/bin/rclone");
  });

  it("explains how to install rclone when it is missing", async () => {
    const missing = findRclone({ env: { PATH: path.join(dir, "nowhere") } });
    await expect(missing).rejects.toBeInstanceOf(RcloneNotFoundError);
    await expect(missing).rejects.toThrow(
      /apt-get install rclone.*brew install rclone.*rclone\.org\/downloads/,
    );
    await expect(findRclone({ binary: path.join(dir, "not-executable"), env: {} })).rejects.toThrow(
      /rclone not found at .*not-executable \(from the configured path\)/,
    );
    await expect(findRclone({ env: { WORKSPACE_SYNC_RCLONE: "/no/such/rclone" } })).rejects.toThrow(
      /from WORKSPACE_SYNC_RCLONE/,
    );
  });

  it("reads the version of the real rclone and of a fake one", async () => {
    const real = await readRcloneVersion(await findRclone());
    expect(real.raw).toMatch(/^rclone v\d+\.\d+/);
    expect(real.major).toBe(1);
    expect(await readRcloneVersion(fake)).toEqual({ raw: "rclone v1.75.0", major: 1, minor: 75, patch: 0 });
    await expect(readRcloneVersion("/no/such/rclone")).rejects.toBeInstanceOf(RcloneVersionError);
  });
});
