import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { SendResult } from "../../src/ipc/protocol.js";
import { eventually } from "../daemon/helpers.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeLogger, fakeRuntime } from "./fake-api.js";
import { registerWithSurfaces, runCommand } from "./fake-surfaces.js";

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

/** The plugin registered once; `start(config)` (re)starts its service as a reload would, with that config committed. */
async function setup() {
  const sandbox = await createSandbox();
  sandboxes.push(sandbox);
  const { runtime } = fakeRuntime({ main: sandbox.workspace });
  const logger = fakeLogger();
  const base = { mode: "mailbox", provider: "local", local: { path: sandbox.cloud }, outboxSettleSeconds: 0 };
  const { fake, surfaces, host } = registerWithSurfaces(base, runtime, logger);
  const service = fake.registered.services[0];
  if (!service) throw new Error("no service");
  expect(service.reload?.configPrefixes).toEqual(["plugins.entries.openclaw-workspace-sync"]);
  const ctxFor = (config: Record<string, unknown>) => ({
    config: {
      plugins: { entries: { "openclaw-workspace-sync": { enabled: true, config: { ...base, ...config } } } },
    },
    workspaceDir: sandbox.workspace,
    stateDir: sandbox.root,
    logger,
  });
  let running = false;
  const start = async (config: Record<string, unknown> = {}) => {
    if (running) await service.stop?.(ctxFor(config));
    await service.start(ctxFor(config));
    running = true;
  };
  stops.push(async () => {
    if (running) await service.stop?.(ctxFor({}));
  });
  const stateDir = join(sandbox.root, "workspace-sync");
  return { sandbox, surfaces, host, start, stateDir, logger };
}

describe("config reload", () => {
  it("a change that moves nothing is used at once; interval and alerts come from the new config", async () => {
    const { host, start, surfaces, logger } = await setup();
    await start();
    expect(host.config(logger)?.sync.alertAfterFailures).toBe(3);
    await start({ alertAfterFailures: 7 });
    expect(host.config(logger)?.sync.alertAfterFailures).toBe(7);
    expect(host.held()).toBeNull();
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
  });

  it("a moved remotePath runs a dry run and holds real cycles until /sync confirm", async () => {
    const { sandbox, host, start, surfaces, stateDir } = await setup();
    await writeFile(join(sandbox.shared, "a.md"), "a\n");
    await start();
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    await start({ remotePath: "moved-share" });
    const held = await eventually(() => {
      const text = host.held();
      return text?.includes("Dry run:") ? text : undefined;
    }, "the dry run of the moved config");
    expect(held).toContain('remotePath "openclaw-share" → "moved-share"');
    expect(held).toContain("Next: send /sync confirm");
    expect(surfaces.injections.at(-1)?.text).toContain("Real syncs are on hold");
    expect(await runCommand(surfaces, "/sync")).toContain("Real syncs are on hold");
    await expect(readFile(join(sandbox.cloud, "moved-share", "a.md"), "utf8")).rejects.toThrow();
    expect(await runCommand(surfaces, "/sync confirm")).toMatch(/^Confirmed/);
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    expect(await readFile(join(sandbox.cloud, "moved-share", "a.md"), "utf8")).toBe("a\n");
    expect(JSON.parse(await readFile(join(stateDir, "applied-target.json"), "utf8"))).toMatchObject({
      remotePath: "moved-share",
    });
    await start({ remotePath: "moved-share" }); // restarted again: nothing moved, nothing held
    expect(host.held()).toBeNull();
  });

  it("a real sync from the CLI confirms a held move", async () => {
    const { host, start, stateDir } = await setup();
    await start();
    await start({ mode: "mirror" });
    expect(host.held()).not.toBeNull();
    const answer = await callHost<SendResult>(stateDir, {
      op: "send",
      event: { type: "syncRequested" },
      wait: true,
    });
    expect(answer?.result.verdict).toBe("done");
    await eventually(async () => {
      const applied = JSON.parse(await readFile(join(stateDir, "applied-target.json"), "utf8"));
      return host.held() === null && applied.mode === "mirror";
    }, "the hold released by the real sync");
    await eventually(async () => (await callHost(stateDir, { op: "hello" })) !== null, "the host back");
  });
});
