import { mkdir, rm, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { FailureWatch } from "../../src/plugin/health.js";
import plugin from "../../src/plugin/index.js";
import { eventually } from "../daemon/helpers.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeApi, fakeLogger, fakeRuntime } from "./fake-api.js";
import { addSurfaces, runCommand } from "./fake-surfaces.js";

const context = (failures: number, cycles: number, message = "boom") => ({
  totals: { failures, cycles },
  lastError: failures > 0 ? { kind: "network", message, hint: "check the network" } : null,
});

function watchWith(options: { alertAfterFailures?: number; intervalSeconds?: number } = {}) {
  let now = 1_000_000;
  const health: (string | null)[] = [];
  const told: { workspace: string; text: string; key: string }[] = [];
  const watch = new FailureWatch({
    alertAfterFailures: options.alertAfterFailures ?? 3,
    intervalSeconds: options.intervalSeconds ?? 0,
    now: () => now,
    sinks: {
      health: (p) => health.push(p),
      tell: (workspace, text, key) => told.push({ workspace, text, key }),
    },
  });
  return { watch, health, told, advance: (ms: number) => (now += ms) };
}

describe("FailureWatch", () => {
  it("opens one incident after N failures in a row, reports it once, and its recovery once", () => {
    const { watch, health, told } = watchWith();
    watch.observe("/ws", context(0, 5)); // start: history, not news
    watch.observe("/ws", context(1, 5));
    watch.observe("/ws", context(2, 5));
    expect(health).toEqual([]);
    watch.observe("/ws", context(3, 5));
    watch.observe("/ws", context(4, 5));
    watch.observe("/ws", context(5, 5));
    expect(health).toHaveLength(1);
    expect(health[0]).toContain(
      "syncing /ws failed 3 times in a row. Last error: boom (network). Fix: check the network",
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toMatch(/^workspace-sync alert: .*\/sync status/);
    watch.observe("/ws", context(5, 6));
    watch.observe("/ws", context(5, 7));
    expect(health).toEqual([expect.any(String), null]);
    expect(told).toHaveLength(2);
    expect(told[1]?.text).toContain("works again");
    expect(new Set(told.map((t) => t.key)).size).toBe(2);
  });

  it("a success in between resets the count", () => {
    const { watch, health } = watchWith();
    watch.observe("/ws", context(0, 0));
    watch.observe("/ws", context(2, 0));
    watch.observe("/ws", context(2, 1));
    watch.observe("/ws", context(4, 1));
    expect(health).toEqual([]);
  });

  it("no success for twice the interval opens an incident; a success closes it", () => {
    const { watch, health, told, advance } = watchWith({ intervalSeconds: 60 });
    watch.observe("/ws", context(0, 1));
    advance(119_000);
    watch.check();
    expect(health).toEqual([]);
    advance(2_000);
    watch.check();
    expect(health[0]).toMatch(/no sync of \/ws has succeeded for 2 min \(interval 60 s\)/);
    watch.check();
    expect(told).toHaveLength(1);
    watch.observe("/ws", context(0, 2));
    expect(health.at(-1)).toBeNull();
  });
});

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

describe("failures reach the user through the plugin", () => {
  it("three failed syncs: health reported and the next turn told once; recovery once; nothing wakes the agent", async () => {
    const sandbox = await createSandbox();
    sandboxes.push(sandbox);
    const { runtime, calls } = fakeRuntime({ main: sandbox.workspace });
    const logger = fakeLogger();
    const pluginConfig = {
      mode: "mailbox",
      provider: "local",
      local: { path: sandbox.cloud },
      retry: { attempts: 1, delay: 0.1 },
      // No watcher (`watch` is on by default): the failures counted are the test's three syncs.
      watch: false,
    };
    let sealed = false;
    const fake = fakeApi(pluginConfig, runtime, logger);
    const surfaces = addSurfaces(fake.api, () => sealed);
    plugin.register(fake.api);
    fake.seal();
    sealed = true;
    const health: (string | null)[] = [];
    const serviceHealth = {
      reportFailure: (error: unknown) => health.push(error instanceof Error ? error.message : String(error)),
      clearFailure: () => health.push(null),
    };
    const ctx = {
      config: {},
      workspaceDir: sandbox.workspace,
      stateDir: sandbox.root,
      logger,
      serviceHealth,
    };
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    expect(health).toEqual([null]); // started fine

    await rm(sandbox.cloud, { recursive: true, force: true });
    await writeFile(sandbox.cloud, "not a folder");
    for (let i = 0; i < 4; i++) expect(await runCommand(surfaces, "/sync")).toMatch(/^Sync failed/);
    await eventually(() => surfaces.injections.length === 1, "the incident told to the next turn");
    expect(health.filter((h) => h !== null)).toHaveLength(1);
    expect(health[1]).toMatch(/failed 3 times in a row/);
    expect(surfaces.injections[0]).toMatchObject({
      sessionKey: "agent:main:main",
      placement: "prepend_context",
    });

    await rm(sandbox.cloud, { force: true });
    await mkdir(sandbox.cloud);
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    await eventually(() => surfaces.injections.length === 2, "the recovery told to the next turn");
    expect(surfaces.injections[1]?.text).toContain("works again");
    expect(health.at(-1)).toBeNull();
    expect(health.filter((h) => h !== null)).toHaveLength(1);
    expect(calls.heartbeats).toEqual([]);
    expect(calls.heartbeatsNow).toEqual([]);
  });
});
