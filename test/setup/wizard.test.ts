/**
 * The setup wizard as a new user meets it: in a real pseudo-terminal (tmux), keys typed one by one,
 * from the first question to a written openclaw.json and a first dry run; then the config works.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig, pluginEntryOf } from "../../src/config/load.js";
import { cliPath, createSandbox, filesIn, type Sandbox, testEnv } from "../support/sandbox.js";
import { openTerminal, type Terminal } from "../support/tmux.js";

let box: Sandbox;
let term: Terminal | undefined;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await term?.close();
  await box.cleanup();
});

const run = promisify(execFile);
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe("setup wizard in a terminal", () => {
  it("asks, explains the mode, writes the plugin entry (old file backed up), and dry-runs the first sync", async () => {
    const openclawJson = join(box.root, "openclaw", "openclaw.json");
    await writeFile(join(box.shared, "notes.md"), "# notes\n");
    await mkdir(join(box.root, "openclaw"));
    // An existing OpenClaw config with another plugin: it must survive.
    await writeFile(
      openclawJson,
      JSON.stringify({ gateway: { port: 1 }, plugins: { entries: { other: { enabled: true } } } }),
    );
    const command = [
      process.execPath,
      cliPath,
      "setup",
      "--config",
      openclawJson,
      "--workspace",
      box.workspace,
    ]
      .concat(["--state-dir", box.stateDir])
      .map(quote)
      .join(" ");
    term = await openTerminal(`${command}; echo WIZARD-EXIT=$?`);

    await term.waitFor("Where should the workspace sync to?");
    await term.press("Down", "Down", "Down", "Down", "Down");
    await term.waitFor("● A local folder");
    await term.press("Enter");
    await term.waitFor("Folder that acts as the cloud");
    await term.type("relative/dir");
    await term.press("Enter");
    await term.waitFor("an absolute path, such as /srv/cloud");
    await term.press("C-u");
    await term.type(box.cloud);
    await term.press("Enter");
    await term.waitFor("Sync mode");
    await term.press("Enter");
    await term.waitFor("What the first mailbox sync will do");
    // Which folder: shared (the default), the whole workspace, or another one.
    await term.waitFor("Which folder of the workspace should sync?");
    await term.waitFor("The whole workspace");
    await term.press("Enter");
    await term.waitFor("Folder on the remote");
    await term.press("C-u");
    await term.type("agent-share");
    await term.press("Enter");
    await term.waitFor("Sync every how many seconds");
    await term.press("BSpace");
    await term.type("300");
    await term.press("Enter");
    await term.waitFor("Sync when an agent session starts?");
    await term.press("Enter");
    await term.waitFor("Sync when an agent session ends?");
    await term.press("Enter");
    await term.waitFor("Save the config");
    await term.press("Enter");
    await term.waitFor("Run a dry run of the first sync now?");
    await term.press("Enter");
    const screen = await term.waitFor(/WIZARD-EXIT=\d+/, 60_000);
    expect(screen).toContain("WIZARD-EXIT=0");
    expect(screen).toContain("dry run (nothing changed)");
    // The same lines `sync --dry-run` prints, for every mode.
    expect(screen).toMatch(/would copy notes\.md/);

    const written = JSON.parse(await readFile(openclawJson, "utf8"));
    expect(written.gateway).toEqual({ port: 1 });
    expect(written.plugins.entries.other).toEqual({ enabled: true });
    const entry = pluginEntryOf(written);
    const { sync } = parseConfig(entry.config, "written");
    expect(sync).toMatchObject({
      provider: "local",
      mode: "mailbox",
      remotePath: "agent-share",
      interval: 300,
      onSessionStart: true,
      onSessionEnd: false,
      local: { path: box.cloud },
    });
    const backups = (await readdir(join(box.root, "openclaw"))).filter((n) =>
      n.startsWith("openclaw.json.bak-"),
    );
    expect(backups).toHaveLength(1);
    // The dry run changed nothing; the real sync with the written config does the work.
    expect(await filesIn(join(box.cloud, "agent-share"))).toEqual([]);
    const synced = await run(
      process.execPath,
      [cliPath, "sync", "--config", openclawJson, "--workspace", box.workspace, "--state-dir", box.stateDir],
      { env: testEnv() },
    );
    expect(synced.stderr).not.toContain("ERROR");
    expect(await filesIn(join(box.cloud, "agent-share"))).toContain("notes.md");
  }, 120_000);

  it("asks which folder to sync: another folder, made before the dry run when missing", async () => {
    const openclawJson = join(box.root, "fresh", "openclaw.json");
    const command = [
      process.execPath,
      cliPath,
      "setup",
      "--config",
      openclawJson,
      "--workspace",
      box.workspace,
    ]
      .concat([
        "--state-dir",
        box.stateDir,
        "--provider",
        "local",
        "--local-dir",
        box.cloud,
        "--mode",
        "mailbox",
      ])
      .concat(["--remote-path", "share", "--interval", "0", "--on-session-start", "--on-session-end"])
      .map(quote)
      .join(" ");
    term = await openTerminal(`${command}; echo WIZARD-EXIT=$?`);
    await term.waitFor("Which folder of the workspace should sync?");
    await term.press("Down", "Down");
    await term.waitFor("● Another folder");
    await term.press("Enter");
    await term.waitFor("Folder, relative to the workspace");
    await term.type("../out");
    await term.press("Enter");
    await term.waitFor("no `..`");
    await term.press("C-u");
    await term.type("projects/site");
    await term.press("Enter");
    await term.waitFor("Save the config");
    await term.press("Enter");
    await term.waitFor("Run a dry run of the first sync now?");
    await term.press("Enter");
    const screen = await term.waitFor(/WIZARD-EXIT=\d+/, 60_000);
    expect(screen).toContain("WIZARD-EXIT=0");
    expect(screen).toContain("the folder to sync (it did not exist)");
    expect(screen).toContain("dry run (nothing changed)");
    const entry = pluginEntryOf(JSON.parse(await readFile(openclawJson, "utf8")));
    expect(entry.config).toMatchObject({ localPath: "projects/site" });
    expect(await filesIn(join(box.workspace, "projects"))).toEqual([]);
  }, 120_000);

  it("--yes in a terminal asks nothing: the flags and the defaults, the config written, the dry run run", async () => {
    const openclawJson = join(box.root, "fresh", "openclaw.json");
    await writeFile(join(box.workspace, "top.md"), "top\n");
    const command = [process.execPath, cliPath, "setup", "--yes", "--config", openclawJson]
      .concat(["--workspace", box.workspace, "--state-dir", box.stateDir, "--provider", "local"])
      .concat(["--local-dir", box.cloud, "--mode", "mailbox", "--local-path", ""])
      .map(quote)
      .join(" ");
    term = await openTerminal(`${command}; echo WIZARD-EXIT=$?`);
    const screen = await term.waitFor(/WIZARD-EXIT=\d+/, 60_000);
    expect(screen).toContain("WIZARD-EXIT=0");
    expect(screen).not.toContain("?");
    expect(screen).toMatch(/would copy top\.md/);
    const entry = pluginEntryOf(JSON.parse(await readFile(openclawJson, "utf8")));
    expect(entry.config).toEqual({
      provider: "local",
      mode: "mailbox",
      localPath: "",
      local: { path: box.cloud },
    });

    await term.close();
    const missing = [process.execPath, cliPath, "setup", "-y", "--config", join(box.root, "other.json")]
      .concat(["--state-dir", box.stateDir, "--provider", "s3"])
      .map(quote)
      .join(" ");
    term = await openTerminal(`${missing}; echo WIZARD-EXIT=$?`);
    const refused = await term.waitFor(/WIZARD-EXIT=\d+/, 60_000);
    expect(refused).toContain("WIZARD-EXIT=2");
    expect(refused).toContain("--yes asks nothing, so these answers must come as flags");
    expect(refused).toContain("--s3-bucket");
    await expect(readFile(join(box.root, "other.json"))).rejects.toThrow();
  }, 120_000);

  it("Ctrl-C cancels with nothing written", async () => {
    const target = join(box.root, "fresh", "openclaw.json");
    const command = [process.execPath, cliPath, "setup", "--config", target, "--state-dir", box.stateDir]
      .map(quote)
      .join(" ");
    term = await openTerminal(`${command}; echo WIZARD-EXIT=$?`);
    await term.waitFor("Where should the workspace sync to?");
    await term.press("C-c");
    const screen = await term.waitFor(/WIZARD-EXIT=\d+/);
    expect(screen).toContain("nothing was written");
    expect(screen).toContain("WIZARD-EXIT=1");
    await expect(readFile(target)).rejects.toThrow();
  }, 60_000);
});
