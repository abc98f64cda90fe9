/** Bad input through the real CLI: a one-line reason naming the key or argument, exit 2, nothing written. */
import { rm, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireStateDirLock } from "../../src/log/state-dir-lock.js";
import { createSandbox, filesIn, pathExists, type Sandbox } from "../support/sandbox.js";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

async function writeConfig(config: Record<string, unknown>): Promise<void> {
  await writeFile(box.configPath, JSON.stringify(config));
}

describe("refusals", () => {
  it.each([
    [{ provider: "local" }, "`mode` is required: one of mailbox (safest), mirror, bisync"],
    [{ mode: "mailbox", provider: "local", localPath: "/srv/agent" }, "`localPath` must be relative"],
    [
      { mode: "mailbox", provider: "local", localPath: "../../etc" },
      "`localPath` must stay inside the workspace",
    ],
  ])("config %j is refused before anything runs", async (config, message) => {
    await writeConfig(config);
    for (const command of ["sync", "status", "log", "list"]) {
      const result = await box.cli(command);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(await pathExists(box.stateDir)).toBe(false);
    expect(await pathExists(box.cloud)).toBe(false);
    expect(await filesIn(box.workspace)).toEqual([]);
  });

  it.each([
    ["dropbox", "`dropbox.appFolder: true`"],
    ["gdrive", "`gdrive.rootFolderId`"],
    ["onedrive", '"remotePath": "openclaw-share"'],
  ])('remotePath "" on a full-access %s root is refused with the fixes and why', async (provider, fix) => {
    const token = '{"access_token":"placeholder","token_type":"bearer","expiry":"0001-01-01T00:00:00Z"}';
    await writeConfig({ mode: "mailbox", provider, remotePath: "", [provider]: { token } });
    for (const command of ["sync", "status"]) {
      const result = await box.cli(command);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("`remotePath`");
      expect(result.stderr).toContain(fix);
      expect(result.stderr).toContain('name a folder such as `"remotePath": "openclaw-share"`');
      expect(result.stderr).toContain("a push would delete everything in the root that the workspace lacks");
    }
    expect(await pathExists(box.stateDir)).toBe(false);
    expect(await filesIn(box.workspace)).toEqual([]);
  });

  it("a missing config file, bad JSON, and bad arguments are named", async () => {
    await rm(box.configPath);
    const missing = await box.cli("sync");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${box.configPath}: file not found`);
    await writeFile(box.configPath, "{ not json");
    expect((await box.cli("status")).stderr).toContain("not valid JSON");
    await writeConfig({ mode: "mailbox", provider: "local" });
    const limit = await box.cli("log", "--limit", "0");
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain("--limit must be a whole number >= 1");
    const unknown = await box.cli("teleport");
    expect(unknown.code).toBe(2);
    expect(await pathExists(box.stateDir)).toBe(false);
  });

  it("provider off: sync says so and does nothing", async () => {
    await writeConfig({ mode: "mailbox", provider: "off" });
    const result = await box.cli("sync");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("sync is off");
  });

  it("a second host on the same state directory is refused with who holds it", async () => {
    const lock = await acquireStateDirLock(box.stateDir);
    try {
      const result = await box.cli("sync");
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`pid ${process.pid}`);
      expect(result.stderr).toContain(box.stateDir);
      // Reading stays possible while a host runs.
      expect((await box.cli("status", "--json")).code).toBe(0);
    } finally {
      await lock.release();
    }
  });
});
