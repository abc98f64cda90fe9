import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FailureWatch, incidentId } from "../../src/plugin/health.js";
import { eventually } from "../daemon/helpers.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeLogger, fakeRuntime } from "./fake-api.js";
import { registerWithSurfaces, runCommand } from "./fake-surfaces.js";

const context = (failures: number, cycles: number, message = "boom") => ({
  totals: { failures, cycles },
  lastError: failures > 0 ? { kind: "network", message, hint: "check the network" } : null,
});

/** A context as today's machines keep it: failures in a row (from the log) and the last real success. */
const logged = (
  inARow: number,
  options: { cycles?: number; lastAt?: number; successAt?: number | null; failures?: number } = {},
) => ({
  totals: { failures: options.failures ?? inARow, cycles: options.cycles ?? 1 },
  lastError: inARow > 0 ? { kind: "network", message: "unreachable" } : null,
  failedInARow: inARow > 0 ? { count: inARow, lastAt: options.lastAt ?? 900_000 } : null,
  lastCycle: options.successAt === null ? null : { finishedAt: options.successAt ?? 500_000 },
});

function watchWith(options: { alertAfterFailures?: number; intervalSeconds?: number; now?: number } = {}) {
  let now = options.now ?? 1_000_000;
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

describe("FailureWatch after a restart (rebuilt from the state the log gives)", () => {
  it("an incident the previous run told is open again: shown in health, not told again; recovery told once", () => {
    const before = watchWith();
    before.watch.observe("/ws", logged(2));
    before.watch.observe("/ws", logged(3), true);
    expect(before.told.map((t) => t.key)).toEqual([`workspace-sync:incident:${incidentId("/ws", 500_000)}`]);

    const { watch, health, told } = watchWith({ now: 2_000_000 });
    watch.observe("/ws", logged(3)); // the host's state at start: three failures in a row
    expect(health).toHaveLength(1);
    expect(health[0]).toMatch(/syncing \/ws failed 3 times in a row/);
    expect(told).toEqual([]);
    watch.observe("/ws", logged(4), true); // a fourth: the same incident
    watch.check();
    expect(told).toEqual([]);
    expect(health).toHaveLength(1);
    watch.observe("/ws", logged(0, { cycles: 2, failures: 4, successAt: 2_000_100 }));
    expect(health.at(-1)).toBeNull();
    expect(told.map((t) => t.key)).toEqual([`workspace-sync:recovered:${incidentId("/ws", 500_000)}`]);
    expect(told[0]?.text).toContain("works again");
    watch.observe("/ws", logged(0, { cycles: 3, failures: 4, successAt: 2_000_200 }));
    expect(told).toHaveLength(1);
  });

  it("failures before the restart count toward the limit: two before and one after make an alert, once", () => {
    const { watch, health, told } = watchWith();
    watch.observe("/ws", logged(2));
    expect(health).toEqual([]);
    watch.observe("/ws", logged(3), true);
    expect(told).toHaveLength(1);
    expect(health).toHaveLength(1);
  });

  it("a unit first seen on the failure that reaches the limit tells it: that failure is news", () => {
    const { watch, told } = watchWith();
    watch.observe("/ws", logged(3), true);
    expect(told).toHaveLength(1);
  });

  it("a silence the previous run saw (its last failure long after the last success) is open again, untold", () => {
    const { watch, health, told, advance } = watchWith({ intervalSeconds: 60, now: 2_000_000 });
    watch.observe("/ws", logged(1, { successAt: 500_000, lastAt: 700_000 }));
    expect(health[0]).toMatch(/no sync of \/ws has succeeded for 25 min \(interval 60 s\)/);
    advance(30_000);
    watch.check();
    expect(told).toEqual([]);
    watch.observe("/ws", logged(0, { cycles: 2, failures: 1, successAt: 2_030_000 }));
    expect(health.at(-1)).toBeNull();
    expect(told.map((t) => t.key)).toEqual([`workspace-sync:recovered:${incidentId("/ws", 500_000)}`]);
  });

  it("a gateway that was off is no silence: the clock starts at the restart", () => {
    const { watch, health, advance } = watchWith({ intervalSeconds: 60, now: 9_000_000 });
    watch.observe("/ws", logged(0, { successAt: 500_000 }));
    advance(100_000);
    watch.check();
    expect(health).toEqual([]);
    advance(21_000);
    watch.check();
    expect(health[0]).toMatch(/no sync of \/ws has succeeded/);
  });
});

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

/** The plugin registered on a fake api and its service started on `sandbox`, as a gateway start does. */
async function startPlugin(sandbox: Sandbox) {
  const { runtime, calls } = fakeRuntime({ main: sandbox.workspace });
  const logger = fakeLogger();
  const pluginConfig = {
    mode: "mailbox",
    provider: "local",
    local: { path: sandbox.cloud },
    retry: { attempts: 1, delay: 0.1 },
    // No watcher (`watch` is on by default): the failures counted are the test's syncs.
    watch: false,
  };
  const { fake, surfaces } = registerWithSurfaces(pluginConfig, runtime, logger);
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
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await service.stop?.(ctx);
  };
  stops.push(stop);
  return { surfaces, health, calls, stop, logger };
}

/**
 * The local remote made unusable (a file where the synced folder goes, so the host still starts on it),
 * or usable again.
 */
async function breakRemote(sandbox: Sandbox): Promise<void> {
  await rm(sandbox.cloud, { recursive: true, force: true });
  await mkdir(sandbox.cloud);
  await writeFile(join(sandbox.cloud, "openclaw-share"), "not a folder");
}
async function mendRemote(sandbox: Sandbox): Promise<void> {
  await rm(join(sandbox.cloud, "openclaw-share"), { force: true });
}

describe("failures reach the user through the plugin", () => {
  it("three failed syncs: health reported and the next turn told once; recovery once; nothing wakes the agent", async () => {
    const sandbox = await createSandbox();
    sandboxes.push(sandbox);
    const { surfaces, health, calls } = await startPlugin(sandbox);
    expect(health).toEqual([null]); // started fine

    await breakRemote(sandbox);
    for (let i = 0; i < 4; i++) expect(await runCommand(surfaces, "/sync")).toMatch(/^Sync failed/);
    await eventually(() => surfaces.injections.length === 1, "the incident told to the next turn");
    expect(health.filter((h) => h !== null)).toHaveLength(1);
    expect(health[1]).toMatch(/failed 3 times in a row/);
    expect(surfaces.injections[0]).toMatchObject({
      sessionKey: "agent:main:main",
      placement: "prepend_context",
    });

    await mendRemote(sandbox);
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    await eventually(() => surfaces.injections.length === 2, "the recovery told to the next turn");
    expect(surfaces.injections[1]?.text).toContain("works again");
    expect(health.at(-1)).toBeNull();
    expect(health.filter((h) => h !== null)).toHaveLength(1);
    expect(calls.heartbeats).toEqual([]);
    expect(calls.heartbeatsNow).toEqual([]);
  });

  it("an incident open at a restart: health shows it again, a failure after tells nothing, the recovery is told once", async () => {
    const sandbox = await createSandbox();
    sandboxes.push(sandbox);
    const first = await startPlugin(sandbox);
    await breakRemote(sandbox);
    for (let i = 0; i < 3; i++) expect(await runCommand(first.surfaces, "/sync")).toMatch(/^Sync failed/);
    await eventually(() => first.surfaces.injections.length === 1, "the incident told to the next turn");
    const alertKey = first.surfaces.injections[0]?.idempotencyKey ?? "";
    expect(alertKey).toMatch(/^workspace-sync:incident:/);
    await first.stop();

    const second = await startPlugin(sandbox); // the gateway again: new plugin instance, same state
    expect(second.health).toEqual([null, expect.stringMatching(/failed 3 times in a row/)]);
    expect(await runCommand(second.surfaces, "/sync")).toMatch(/^Sync failed/); // a fourth
    expect(second.surfaces.injections).toEqual([]);
    expect(second.health.filter((h) => h !== null)).toHaveLength(1);

    await mendRemote(sandbox);
    expect(await runCommand(second.surfaces, "/sync")).toMatch(/^Synced/);
    expect(await runCommand(second.surfaces, "/sync")).toMatch(/^Synced/);
    await eventually(() => second.surfaces.injections.length === 1, "the recovery told to the next turn");
    expect(second.surfaces.injections[0]?.text).toContain("works again");
    // The recovery names the incident the first run told (the id comes from the log).
    expect(second.surfaces.injections[0]?.idempotencyKey).toBe(alertKey.replace(":incident:", ":recovered:"));
    expect(second.health.at(-1)).toBeNull();
  });
});
