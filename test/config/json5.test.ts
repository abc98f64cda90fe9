/**
 * openclaw.json is JSON5 (OpenClaw reads it with the `json5` package): comments, trailing commas, unquoted keys
 * and single quotes are read as OpenClaw reads them, by the standalone CLI too; a syntax error names the file,
 * the line and the column. The wizard writing into a JSON5 file says it rewrites it and keeps the old one.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import JSON5 from "json5";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, pluginEntryOf } from "../../src/config/load.js";
import { cliPath, createSandbox, pathExists, type Sandbox, testEnv } from "../support/sandbox.js";

const run = promisify(execFile);

let box: Sandbox;
let file: string;
beforeEach(async () => {
  box = await createSandbox();
  file = join(box.root, "openclaw.json");
});
afterEach(async () => {
  await box.cleanup();
});

/** An openclaw.json as people write it by hand: every JSON5 liberty OpenClaw allows. */
const json5Text = (cloud: string) => `// OpenClaw's config, edited by hand
{
  gateway: { port: 18789, }, /* a block comment */
  plugins: {
    entries: {
      'openclaw-workspace-sync': {
        enabled: true,
        config: {
          mode: 'mailbox', // the safest
          provider: "local",
          local: { path: ${JSON.stringify(cloud)} },
          interval: 0x3c,
          exclude: ['*.log', ],
        },
      },
    },
  },
}
`;

describe("openclaw.json as JSON5", () => {
  it("reads comments, trailing commas, unquoted keys, single quotes and hex numbers", async () => {
    await writeFile(file, json5Text(box.cloud));
    const loaded = await loadConfigFile(file, {});
    expect(loaded.sync.mode).toBe("mailbox");
    expect(loaded.sync.provider).toBe("local");
    expect(loaded.sync.interval).toBe(60);
    expect(loaded.sync.exclude).toEqual(["*.log"]);
  });

  it("the CLI syncs with it", async () => {
    await writeFile(file, json5Text(box.cloud));
    await writeFile(join(box.shared, "a.txt"), "a");
    const args = ["--config", file, "--workspace", box.workspace, "--state-dir", box.stateDir];
    const { stdout } = await run(process.execPath, [cliPath, "sync", ...args], { env: testEnv() });
    expect(stdout).toContain("push   1 transferred");
    expect(await readFile(join(box.remoteDir, "a.txt"), "utf8")).toBe("a");
  });

  it("a syntax error names the file, the line and the column, and what is allowed", async () => {
    await writeFile(file, "{\n  plugins: {\n    entries: {}\n    other: 1\n  }\n}\n");
    const error = await loadConfigFile(file, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain("line 4, column 5");
    expect(message).toContain("invalid character 'o'");
    expect(message).toContain("comments, trailing commas");

    const args = ["--config", file, "--workspace", box.workspace, "--state-dir", box.stateDir];
    const result = await run(process.execPath, [cliPath, "sync", ...args], { env: testEnv() }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect("code" in result ? result.code : 0).toBe(2);
    expect("stderr" in result ? result.stderr : "").toContain("line 4, column 5");
    expect(await pathExists(box.stateDir)).toBe(false);
  });
});

describe("the wizard writing into a JSON5 file", () => {
  const argv = () => ["--provider", "local", "--mode", "mailbox", "--local-dir", box.cloud];
  const setupInto = (target: string) =>
    run(
      process.execPath,
      [
        cliPath,
        "setup",
        ...argv(),
        "--config",
        target,
        "--workspace",
        box.workspace,
        "--state-dir",
        box.stateDir,
      ],
      { env: testEnv() },
    );
  const backupsIn = async (dir: string, name: string) =>
    (await readdir(dir)).filter((entry) => entry.startsWith(`${name}.bak-`));

  it("adds the entry in place: the comments and the other settings stay as written", async () => {
    const dir = join(box.root, "oc");
    await mkdir(dir);
    const target = join(dir, "openclaw.json");
    const original =
      "// mine\n{\n  // the gateway\n  gateway: { port: 18789, },\n  plugins: { entries: {}, },\n}\n";
    await writeFile(target, original);
    const { stdout } = await setupInto(target);
    expect(stdout).not.toContain("rewrites it as plain JSON");
    const text = await readFile(target, "utf8");
    expect(text).toContain("// mine");
    expect(text).toContain("// the gateway");
    expect(text).toContain("gateway: { port: 18789, },");
    const loaded = await loadConfigFile(target, {});
    expect(loaded.sync).toMatchObject({ provider: "local", mode: "mailbox" });
    const backups = await backupsIn(dir, "openclaw.json");
    expect(backups).toHaveLength(1);
    expect(await readFile(join(dir, backups[0] ?? ""), "utf8")).toBe(original);
  });

  it("replaces an existing entry in place, keeping the comments and entries around it", async () => {
    const dir = join(box.root, "oc");
    await mkdir(dir);
    const target = join(dir, "openclaw.json");
    await writeFile(
      target,
      "{\n  plugins: {\n    // keep me\n    entries: {\n      'openclaw-workspace-sync': { enabled: false, config: { mode: 'mirror' } },\n      other: { enabled: false }, // theirs\n    },\n  },\n}\n",
    );
    await setupInto(target);
    const text = await readFile(target, "utf8");
    expect(text).toContain("// keep me");
    expect(text).toContain("other: { enabled: false }, // theirs");
    const entry = pluginEntryOf(JSON5.parse(text));
    expect(entry.config).toMatchObject({ provider: "local", mode: "mailbox" });
    expect(JSON5.parse(text).plugins.entries["openclaw-workspace-sync"].enabled).toBe(true);
  });

  it("a JSON5 file it cannot edit in place: says it rewrites it as plain JSON, and keeps the old one", async () => {
    const dir = join(box.root, "oc");
    await mkdir(dir);
    const target = join(dir, "plugin.json5");
    const original = "// my plugin config\n{ mode: 'mirror', provider: 'off', }\n";
    await writeFile(target, original);
    const { stdout } = await setupInto(target);
    expect(stdout).toContain("holds comments or JSON5 syntax");
    expect(stdout).toContain("rewrites it as plain JSON");
    const written = JSON.parse(await readFile(target, "utf8"));
    expect(written).toMatchObject({ provider: "local", mode: "mailbox" });
    const backups = await backupsIn(dir, "plugin.json5");
    expect(backups).toHaveLength(1);
    expect(await readFile(join(dir, backups[0] ?? ""), "utf8")).toBe(original);
  });

  it("a plain JSON file is written without that warning", async () => {
    const dir = join(box.root, "oc");
    await mkdir(dir);
    const target = join(dir, "openclaw.json");
    await writeFile(target, JSON.stringify({ gateway: { port: 1 } }));
    const { stdout } = await setupInto(target);
    expect(stdout).not.toContain("JSON5");
    const written = JSON.parse(await readFile(target, "utf8"));
    expect(written.gateway).toEqual({ port: 1 });
    expect(pluginEntryOf(written).config).toMatchObject({ provider: "local" });
  });
});
