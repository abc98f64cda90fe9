import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeLogger, fakeRuntime } from "./fake-api.js";
import { registerWithSurfaces, runCommand } from "./fake-surfaces.js";

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

async function setup(config: Record<string, unknown>) {
  const sandbox = await createSandbox();
  sandboxes.push(sandbox);
  const { runtime } = fakeRuntime({ main: sandbox.workspace });
  const logger = fakeLogger();
  // No watcher (`watch` is on by default): each cycle is one a command asked for, and its answer says what it did.
  const pluginConfig = {
    mode: "mailbox",
    provider: "local",
    local: { path: sandbox.cloud },
    watch: false,
    ...config,
  };
  const { fake, surfaces } = registerWithSurfaces(pluginConfig, runtime, logger);
  const ctx = { config: {}, workspaceDir: sandbox.workspace, stateDir: sandbox.root, logger };
  const start = async () => {
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
  };
  return { sandbox, surfaces, start };
}

describe("chat commands", () => {
  it("registers /sync and /backup; without a running service they say so and name the next step", async () => {
    const { surfaces } = await setup({});
    expect(surfaces.commands.map((c) => c.name)).toEqual(["sync", "backup"]);
    expect(surfaces.descriptors).toEqual([
      expect.objectContaining({ surface: "tab", path: "/workspace-sync/live", label: "Workspace sync" }),
    ]);
    const text = await runCommand(surfaces, "/sync");
    expect(text).toMatch(/not running.*Next:/s);
  });

  it("/sync runs a cycle on the running host and answers when it ends; /sync status summarises", async () => {
    const { sandbox, surfaces, start } = await setup({});
    await start();
    await writeFile(join(sandbox.shared, "a.md"), "hello\n");
    const synced = await runCommand(surfaces, "/sync");
    expect(synced).toMatch(/^Synced in [\d.]+ s\./);
    expect(synced).toContain("1 transferred");
    const status = await runCommand(surfaces, "/sync status");
    expect(status).toMatch(/^Sync idle \(mailbox, local\)/);
    expect(status).toContain("Last sync: 20");
    expect(status).toContain("Nothing is wrong.");
    expect(await runCommand(surfaces, "/sync later")).toMatch(/Unknown: \/sync later/);
  });

  it("/sync names the failure and the next step when the cycle fails", async () => {
    const { sandbox, surfaces, start } = await setup({ retry: { attempts: 1, delay: 0.1 } });
    await start();
    // The cloud folder becomes a file: rclone cannot write under it.
    await rm(sandbox.cloud, { recursive: true, force: true });
    await writeFile(sandbox.cloud, "not a folder");
    const text = await runCommand(surfaces, "/sync");
    expect(text).toMatch(/^Sync (failed|did not finish): /);
    expect(text).toMatch(/Next:|retries by itself/);
  });

  it("/backup without a backup block says how to add one; /backup now and list work with one", async () => {
    const none = await setup({});
    expect(await runCommand(none.surfaces, "/backup now")).toMatch(/not set up. Next: add a `backup` block/);
    const { surfaces, start } = await setup({ backup: { enabled: true, passphrase: "chat-command-test" } });
    // Listing reads the remote: no host needed.
    expect(await runCommand(surfaces, "/backup list")).toMatch(/^No backups yet in .*\/backup now/);
    expect(await runCommand(surfaces, "/backup now")).toMatch(/not running.*Next:/s);
    await start(); // the host also makes its first scheduled backup
    const made = await runCommand(surfaces, "/backup now");
    const id = /^Backed up (\S+): \d+ files/.exec(made)?.[1];
    expect(id, made).toBeDefined();
    const list = await runCommand(surfaces, "/backup list");
    expect(list).toMatch(/^\d backup\(s\) in .*newest first:\n/);
    expect(list).toContain(`${id}  `);
  });
});
