/**
 * Upgrading from the original plugin: the token its `authorize` stored in its rclone config
 * (`$OPENCLAW_STATE_DIR/.config/rclone/rclone.conf`, or its `configPath`; remote `remoteName`) is found and
 * copied into the project's own rclone config on the first run, once, with a line saying so. The token is never
 * printed, and the original's file is left as it was.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRcloneConfig } from "../../src/rclone/config-file.js";
import { cliPath, createSandbox, runCaptured, type Sandbox, testEnv } from "../support/sandbox.js";

const access = "sl.LEGACY-access-9f2c1e";
const refresh = "LEGACY-refresh-77ab30";
const token = JSON.stringify({
  access_token: access,
  token_type: "bearer",
  refresh_token: refresh,
  expiry: "2030-01-01T00:00:00Z",
});

let box: Sandbox;
let openclawState: string;
let legacyFile: string;
beforeEach(async () => {
  box = await createSandbox();
  openclawState = join(box.root, "openclaw-state");
  legacyFile = join(openclawState, ".config", "rclone", "rclone.conf");
});
afterEach(async () => {
  await box.cleanup();
});

async function writeFileIn(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function useConfig(config: Record<string, unknown>): Promise<void> {
  await writeFile(box.configPath, JSON.stringify({ mode: "mailbox", remotePath: "agent", ...config }));
}

// testEnv drops OPENCLAW_STATE_DIR (a stray one must not leak in); this test sets its own.
const status = () =>
  runCaptured(process.execPath, [cliPath, "status", "--offline", ...box.args], {
    ...testEnv(),
    OPENCLAW_STATE_DIR: openclawState,
  });

describe("the original plugin's token", () => {
  it("is imported on the first run, once, with a line saying so and never the token", async () => {
    const legacy = `[cloud]\ntype = dropbox\ntoken = ${token}\n`;
    await writeFileIn(legacyFile, legacy);
    await useConfig({ provider: "dropbox" });

    const first = await status();
    const text = first.stdout + first.stderr;
    expect(first.code, text).toBe(0);
    expect(text).toContain("remote configured");
    expect(text).toContain(`imported from ${legacyFile}`);
    expect(text).not.toContain(access);
    expect(text).not.toContain(refresh);
    const own = await readRcloneConfig(join(box.stateDir, "rclone.conf"));
    expect(own.cloud?.type).toBe("dropbox");
    expect(own.cloud?.token).toBe(token);
    expect(await readFile(legacyFile, "utf8")).toBe(legacy);

    const second = await status();
    expect(second.code).toBe(0);
    expect(second.stdout + second.stderr).not.toContain("imported");
  });

  it("`sync` says so too (whatever the unreachable Dropbox answers next)", async () => {
    await writeFileIn(legacyFile, `[cloud]\ntype = dropbox\ntoken = ${token}\n`);
    await useConfig({ provider: "dropbox" });
    const result = await runCaptured(process.execPath, [cliPath, "sync", ...box.args], {
      ...testEnv(),
      OPENCLAW_STATE_DIR: openclawState,
    });
    const text = result.stdout + result.stderr;
    expect(text).toContain(`imported from ${legacyFile}`);
    expect(text).not.toContain(access);
    expect(text).not.toContain(refresh);
    expect((await readRcloneConfig(join(box.stateDir, "rclone.conf"))).cloud?.token).toBe(token);
  });

  it("comes from `configPath` when the config names one, under `remoteName`, with OneDrive's drive", async () => {
    const elsewhere = join(box.root, "custom-place", "rclone.conf");
    await writeFileIn(
      elsewhere,
      `[other]\ntype = onedrive\ntoken = {"access_token":"no"}\n\n[mine]\ntype = onedrive\ntoken = ${token}\ndrive_id = b!abc\ndrive_type = business\n`,
    );
    await useConfig({ provider: "onedrive", remoteName: "mine", configPath: elsewhere });
    const result = await status();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`imported from ${elsewhere}`);
    const own = await readRcloneConfig(join(box.stateDir, "rclone.conf"));
    expect(own.mine).toMatchObject({ type: "onedrive", token, drive_id: "b!abc", drive_type: "business" });
  });

  it("is not taken from another backend's remote, nor for another OAuth app", async () => {
    await writeFileIn(legacyFile, `[cloud]\ntype = drive\ntoken = ${token}\n`);
    await useConfig({ provider: "dropbox" });
    const otherBackend = await status();
    expect(otherBackend.code).not.toBe(0);
    expect(otherBackend.stdout + otherBackend.stderr).toContain("no token");

    await writeFileIn(legacyFile, `[cloud]\ntype = dropbox\nclient_id = their-app\ntoken = ${token}\n`);
    const otherApp = await status();
    expect(otherApp.code).not.toBe(0);
    expect(otherApp.stdout + otherApp.stderr).toContain("no token");
    expect(otherApp.stdout + otherApp.stderr).not.toContain(access);
  });

  it("a token in the config wins: nothing is imported", async () => {
    await writeFileIn(legacyFile, `[cloud]\ntype = dropbox\ntoken = ${token}\n`);
    const mine = JSON.stringify({
      access_token: "mine",
      token_type: "bearer",
      expiry: "2031-01-01T00:00:00Z",
    });
    await useConfig({ provider: "dropbox", dropbox: { token: mine } });
    const result = await status();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toContain("imported");
    const own = await readRcloneConfig(join(box.stateDir, "rclone.conf"));
    expect(own.cloud?.token).toBe(mine);
  });
});
