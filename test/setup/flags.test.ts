/** The wizard without a terminal: every answer as a flag, the missing ones named, bad ones refused with nothing written. */
import { execFile } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pluginEntryOf } from "../../src/config/load.js";
import { readRcloneConfig } from "../../src/rclone/config-file.js";
import {
  type CliResult,
  cliPath,
  createSandbox,
  pathExists,
  type Sandbox,
  testEnv,
} from "../support/sandbox.js";
import { freePort } from "../support/servers.js";

const run = promisify(execFile);

let box: Sandbox;
let target: string;
beforeEach(async () => {
  box = await createSandbox();
  target = join(box.root, "oc", "openclaw.json");
});
afterEach(async () => {
  await box.cleanup();
});

/** `workspace-sync setup` with the wizard's target as `--config`, no terminal. */
async function setup(...argv: string[]): Promise<CliResult> {
  return setupWith({}, ...argv);
}

async function setupWith(env: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  const args = [cliPath, "setup", ...argv, "--config", target, "--workspace", box.workspace];
  try {
    const { stdout, stderr } = await run(process.execPath, [...args, "--state-dir", box.stateDir], {
      env: testEnv(env),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("setup without a terminal", () => {
  it("refuses to prompt and names the flags it needs", async () => {
    const none = await setup();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no terminal to ask in");
    expect(none.stderr).toContain("--provider");
    expect(none.stderr).toContain("--mode");
    const s3 = await setup("--provider", "s3", "--mode", "mailbox");
    expect(s3.stderr).toContain("--s3-bucket");
    expect(s3.stderr).not.toContain("--mode");
    const dropbox = await setup("--provider", "dropbox", "--mode", "mailbox");
    expect(dropbox.stderr).toContain("--token");
    expect(await pathExists(target)).toBe(false);
    expect(await pathExists(box.stateDir)).toBe(false);
  });

  it("without rclone, names the package manager's install command (never a download piped to a shell)", async () => {
    const bin = join(box.root, "bin");
    await mkdir(bin);
    await symlink("/usr/bin/apt-get", join(bin, "apt-get"));
    const result = await setupWith(
      { PATH: bin },
      "--provider",
      "local",
      "--mode",
      "mailbox",
      "--local-dir",
      "/x",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rclone is not installed: install it: (sudo )?apt-get install -y rclone/);
    expect(result.stderr).not.toMatch(/curl|\| *sh/);
    expect(await pathExists(target)).toBe(false);
  });

  it.each([
    [["--provider", "ftp", "--mode", "mailbox"], "--provider must be one of"],
    [["--provider", "local", "--mode", "two-way", "--local-dir", "/x"], "--mode must be one of"],
    [
      ["--provider", "local", "--mode", "mailbox", "--local-dir", "rel"],
      "`local.path` must be an absolute path",
    ],
    [
      ["--provider", "local", "--mode", "mailbox", "--local-dir", "/x", "--remote-path", "a/../b"],
      "`remotePath`",
    ],
    [["--provider", "local", "--mode", "mailbox", "--local-dir", "/x", "--interval", "soon"], "--interval"],
    [["--provider", "s3", "--mode", "mailbox", "--s3-bucket", "b"], "`s3.bucket` must be a bucket name"],
    [["--provider", "custom", "--mode", "mailbox", "--custom-type", "Bad Type"], "`custom.rcloneType`"],
    [
      ["--provider", "custom", "--mode", "mailbox", "--custom-type", "sftp", "--custom-options", "host"],
      "key=value",
    ],
    [["--provider", "gdrive", "--mode", "mailbox", "--token", "not-a-token"], "not a token"],
  ])("%j is refused with its key named, nothing written", async (argv, message) => {
    const result = await setup(...argv);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(await pathExists(target)).toBe(false);
    expect(await pathExists(join(box.stateDir, "rclone.conf"))).toBe(false);
    expect(JSON.parse(await readFile(box.configPath, "utf8")).provider).toBe("local");
  });

  it("writes the entry from flags, keeps the old file and its backup block, and can end with a dry run", async () => {
    await writeFile(join(box.shared, "a.txt"), "a");
    await mkdir(join(box.root, "oc"));
    const old = { sync: { mode: "mailbox", provider: "off" }, backup: { enabled: true, retain: 3 } };
    await writeFile(
      target,
      JSON.stringify({ plugins: { entries: { "openclaw-workspace-sync": { config: old } } } }),
    );
    const result = await setup(
      ...[
        "--provider",
        "local",
        "--mode",
        "mailbox",
        "--local-dir",
        box.cloud,
        "--remote-path",
        "team/agent",
      ],
      ...["--interval", "600", "--on-session-end", "--first-run"],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("dry run (nothing changed)");
    const entry = pluginEntryOf(JSON.parse(await readFile(target, "utf8")));
    expect(entry.config).toEqual({
      sync: {
        provider: "local",
        mode: "mailbox",
        remotePath: "team/agent",
        interval: 600,
        onSessionEnd: true,
        local: { path: box.cloud },
      },
      backup: { enabled: true, retain: 3 },
    });
    expect(result.stdout).toMatch(/old file is kept as .*openclaw\.json\.bak-/);
  });

  it("the first dry run against an unreachable endpoint fails fast, in plain words naming the key", async () => {
    const port = await freePort(); // free a moment ago: nothing listens there
    const started = Date.now();
    const result = await setup(
      "--yes",
      "--provider",
      "s3",
      "--mode",
      "mailbox",
      "--s3-bucket",
      "bucket",
      "--s3-endpoint",
      `http://127.0.0.1:${port}`,
      "--s3-access-key-id",
      "AKIDTEST",
      "--s3-secret-access-key",
      "wizard-secret-value",
    );
    const said = result.stdout + result.stderr;
    console.log(
      `setup's dry run against a closed port: error after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(said).toContain("the dry run failed");
    expect(said).toContain(`connection refused at 127.0.0.1:${port}`);
    expect(said).toContain("s3.endpoint");
    expect(said).not.toContain("wizard-secret-value");
  });

  it("an empty --local-path is the whole workspace; a missing folder to sync is made before the first dry run", async () => {
    const whole = await setup(
      "--yes",
      "--provider",
      "local",
      "--mode",
      "mailbox",
      "--local-dir",
      box.cloud,
      "--local-path",
      "",
    );
    expect(whole.code, whole.stderr).toBe(0);
    expect(pluginEntryOf(JSON.parse(await readFile(target, "utf8"))).config).toMatchObject({ localPath: "" });
    expect(whole.stdout).toContain(`dry run (nothing changed): ${box.workspace} -> cloud:openclaw-share`);

    const fresh = await setup(
      "--yes",
      "--provider",
      "local",
      "--mode",
      "mailbox",
      "--local-dir",
      box.cloud,
      "--local-path",
      "docs/new",
    );
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain(
      `made ${join(box.workspace, "docs", "new")}, the folder to sync (it did not exist)`,
    );
    expect(fresh.stdout).toContain("dry run (nothing changed)");
    expect(await pathExists(join(box.workspace, "docs", "new"))).toBe(true);
  });

  it("--print prints the snippet and writes nothing; a pasted token goes to the rclone config, not the snippet", async () => {
    const token =
      '{"access_token":"sl.PLANTED-access","token_type":"bearer","refresh_token":"PLANTED-refresh","expiry":"2030-01-01T00:00:00Z"}';
    const result = await setup("--provider", "dropbox", "--mode", "mailbox", "--token", token, "--print");
    expect(result.code, result.stderr).toBe(0);
    const snippet = JSON.parse(result.stdout.slice(result.stdout.indexOf("{\n")));
    expect(snippet.plugins.entries["openclaw-workspace-sync"].config).toEqual({
      provider: "dropbox",
      mode: "mailbox",
    });
    expect(result.stdout + result.stderr).not.toContain("PLANTED");
    expect(await pathExists(target)).toBe(false);
    const section = (await readRcloneConfig(join(box.stateDir, "rclone.conf"))).cloud;
    expect(section).toMatchObject({ type: "dropbox", token });
  });
});
