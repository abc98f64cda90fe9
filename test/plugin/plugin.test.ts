import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callHost, socketPathOf } from "../../src/ipc/client.js";
import type { SendResult } from "../../src/ipc/protocol.js";
import { withDefaultWorkspace } from "../../src/plugin/cli.js";
import plugin from "../../src/plugin/index.js";
import { inboxMessage } from "../../src/plugin/notify.js";
import { eventually, logRecords, syncRequests } from "../daemon/helpers.js";
import { createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";
import { fakeApi, fakeLogger, fakeProgram, fakeRuntime } from "./fake-api.js";

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

async function setup(
  config: Record<string, unknown>,
  runtimeOptions: { legacy?: boolean; failing?: boolean } = {},
) {
  const sandbox = await createSandbox();
  sandboxes.push(sandbox);
  const other = join(sandbox.root, "other-agent");
  await mkdir(join(other, "shared"), { recursive: true });
  const { runtime, calls } = fakeRuntime({ main: sandbox.workspace, ops: other }, runtimeOptions);
  const logger = fakeLogger();
  // No watcher (`watch` is on by default): the tests count the cycles hooks and requests start.
  const pluginConfig = {
    mode: "mailbox",
    provider: "local",
    local: { path: sandbox.cloud },
    watch: false,
    ...config,
  };
  const fake = fakeApi(pluginConfig, runtime, logger);
  plugin.register(fake.api);
  fake.seal();
  // The gateway's state dir holds ours in `workspace-sync/`.
  const ctx = { config: {}, workspaceDir: sandbox.workspace, stateDir: sandbox.root, logger };
  const stateDir = join(sandbox.root, "workspace-sync");
  return { sandbox, other, calls, logger, fake, ctx, stateDir };
}

describe("the OpenClaw plugin with a fake api", () => {
  it("register has no side effects, however often it runs", async () => {
    const { fake, stateDir, sandbox } = await setup({});
    plugin.register(fake.api); // sealed: registers nothing more, starts nothing
    plugin.register(fake.api);
    expect(fake.registered.services).toHaveLength(1);
    expect(fake.registered.hooks.session_start).toHaveLength(1);
    expect(fake.registered.hooks.session_end).toHaveLength(1);
    expect(fake.registered.cli).toHaveLength(1);
    expect(await readdir(sandbox.root)).not.toContain("workspace-sync");
    expect(await callHost(stateDir, { op: "hello" })).toBeNull();
  });

  it("the service runs the host for the gateway's workspace; stop ends it and frees the state directory", async () => {
    const { fake, ctx, stateDir, sandbox } = await setup({});
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    const hello = await callHost<{ units: { label: string }[] }>(stateDir, { op: "hello" });
    expect(hello?.result.units.map((u) => u.label)).toEqual([sandbox.workspace]);
    await service.stop?.(ctx);
    expect(await callHost(stateDir, { op: "hello" })).toBeNull();
    const records = await logRecords(stateDir, sandbox.workspace);
    expect(records.at(-1)?.event.type).toBe("hostStopped");
  });

  it("session_start syncs the session's agent workspace when onSessionStart is on, and returns at once", async () => {
    const { fake, ctx, stateDir, sandbox, other } = await setup({ onSessionStart: true });
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    const hook = fake.registered.hooks.session_start?.[0];
    const started = Date.now();
    await hook?.({ sessionId: "s1", sessionKey: "agent:ops:main" }, { agentId: "ops", sessionId: "s1" });
    expect(Date.now() - started).toBeLessThan(2000);
    // The other agent's workspace gets its own unit and its own cycle.
    await eventually(async () => {
      const records = await logRecords(stateDir, other);
      return records.some((r) => r.event.type === "drainDone");
    }, "a hook cycle in the ops workspace");
    const requests = syncRequests(await logRecords(stateDir, other));
    expect(requests.map((r) => r.event.source)).toEqual(["hook"]);
    expect(syncRequests(await logRecords(stateDir, sandbox.workspace))).toEqual([]);
  });

  it("session_end does nothing when onSessionEnd is off", async () => {
    const { fake, ctx, stateDir, sandbox } = await setup({ onSessionEnd: false });
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    await fake.registered.hooks.session_end?.[0]?.(
      { sessionId: "s1", messageCount: 1, reason: "shutdown" },
      { agentId: "main", sessionId: "s1" },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(syncRequests(await logRecords(stateDir, sandbox.workspace))).toEqual([]);
  });

  it("registers every command of the standalone CLI but daemon under `openclaw workspace-sync`, passing options through", async () => {
    const { fake, sandbox } = await setup({});
    const program = fakeProgram();
    const entry = fake.registered.cli[0];
    await entry?.registrar({ program, config: {}, workspaceDir: sandbox.workspace, logger: fakeLogger() });
    expect(entry?.options?.commands).toEqual(["workspace-sync"]);
    const root = program.children[0];
    expect(root?.name).toBe("workspace-sync");
    expect(root?.children.map((c) => c.name)).toEqual([
      "setup",
      "authorize",
      "sync",
      "status",
      "log",
      "list",
      "backup",
      "viz",
    ]);
    expect(root?.children.every((c) => c.unknownOptions && c.run)).toBe(true);
    expect(withDefaultWorkspace(["status", "--json"], "/w")).toEqual([
      "status",
      "--json",
      "--workspace",
      "/w",
    ]);
    expect(withDefaultWorkspace(["status", "--workspace=/x"], "/w")).toEqual(["status", "--workspace=/x"]);
  });

  it.each<[string, { legacy?: boolean }]>([
    ["requestHeartbeat", {}],
    ["requestHeartbeatNow (older hosts)", { legacy: true }],
  ])("wakes the agent once when a drain brings files, with %s", async (_name, runtimeOptions) => {
    const { fake, ctx, stateDir, sandbox, calls } = await setup({ notifyOnInbox: true }, runtimeOptions);
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    await fake.registered.hooks.session_start?.[0]?.(
      { sessionId: "s1", sessionKey: "agent:main:chat-1" },
      { agentId: "main", sessionId: "s1", sessionKey: "agent:main:chat-1" },
    );
    const first = await callHost<SendResult>(stateDir, {
      op: "send",
      event: { type: "syncRequested" },
      wait: true,
    });
    expect(first?.result.verdict).toBe("done");
    expect(calls.events).toEqual([]); // nothing arrived: nobody is woken
    const outbox = join(sandbox.remoteDir, "_outbox");
    for (let i = 1; i <= 7; i++) await writeFile(join(outbox, `note-${i}.txt`), `${i}`);
    const second = await callHost<SendResult>(stateDir, {
      op: "send",
      event: { type: "syncRequested" },
      wait: true,
    });
    expect(second?.result.verdict).toBe("done");
    expect(calls.events).toHaveLength(1);
    expect(calls.events[0]?.sessionKey).toBe("agent:main:chat-1");
    expect(calls.events[0]?.text).toContain("7 new files");
    expect(calls.events[0]?.text).toContain("and 2 more");
    if (runtimeOptions.legacy) expect(calls.heartbeatsNow).toHaveLength(1);
    else expect(calls.heartbeats).toEqual([expect.objectContaining({ source: "other", intent: "event" })]);
  });

  it("a failure to notify is logged and the sync still succeeds", async () => {
    const { fake, ctx, stateDir, sandbox, logger } = await setup({ notifyOnInbox: true }, { failing: true });
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    await callHost(stateDir, { op: "send", event: { type: "syncRequested" }, wait: true });
    await writeFile(join(sandbox.remoteDir, "_outbox", "a.txt"), "a");
    const answer = await callHost<SendResult>(stateDir, {
      op: "send",
      event: { type: "syncRequested" },
      wait: true,
    });
    expect(answer?.result.verdict).toBe("done");
    expect(logger.lines.some((l) => l.level === "warn" && l.message.includes("could not notify"))).toBe(true);
  });

  it("with sync off and backups on, the service runs the scheduled backups of the gateway's state", async () => {
    const { fake, ctx, stateDir, sandbox } = await setup({
      provider: "off",
      backup: {
        enabled: true,
        // Into the sync `local` block's folder (the sandbox's cloud): the backup's own blocks default to it.
        provider: "local",
        encrypt: false,
        include: ["workspace", "config"],
      },
    });
    await writeFile(join(sandbox.root, "openclaw.json"), "{}");
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    const hello = await callHost<{ units: { id: string }[] }>(stateDir, { op: "hello" });
    expect(hello?.result.units.map((u) => u.id)).toEqual(["backup"]);
    // Never backed up: due at once. OpenClaw's state is the gateway's (the service's `stateDir`).
    const status = await eventually(async () => {
      const answer = await callHost<{ lastBackup: unknown }>(stateDir, { op: "status", unit: "backup" });
      return answer?.result.lastBackup ? answer.result : false;
    }, "the start-up backup");
    expect(status).toMatchObject({ unit: "backup", totals: { backups: 1 } });
    const state = await callHost<{
      units: { context: { lastBackup: { snapshot: { sources: unknown } } } }[];
    }>(stateDir, { op: "state", unit: "backup" });
    expect(state?.result.units[0]?.context.lastBackup.snapshot.sources).toEqual([
      { item: "workspace", path: sandbox.workspace },
      { item: "config", path: join(sandbox.root, "openclaw.json") },
    ]);
  });

  it("an invalid config is reported and nothing starts", async () => {
    const { fake, ctx, stateDir, logger } = await setup({ mode: "sideways" });
    await fake.registered.services[0]?.start(ctx);
    expect(logger.lines.some((l) => l.level === "error" && l.message.includes("mode"))).toBe(true);
    expect(await callHost(stateDir, { op: "hello" })).toBeNull();
  });

  it("names the first five arrivals, then how many more", () => {
    expect(inboxMessage(["a"])).toBe("workspace-sync: 1 new file arrived in the workspace _inbox: a.");
    expect(inboxMessage(["a", "b", "c", "d", "e", "f"])).toContain("a, b, c, d, e and 1 more");
  });
});

// The socket of a gateway's host is where the standalone CLI looks too.
describe("paths", () => {
  it("the socket lives in the state directory", () => {
    expect(socketPathOf("/s")).toBe("/s/host.sock");
    expect(testEnv().OPENCLAW_STATE_DIR).toBeUndefined();
  });
});
