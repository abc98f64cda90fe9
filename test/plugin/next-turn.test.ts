import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import plugin from "../../src/plugin/index.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeApi, fakeLogger, fakeRuntime } from "./fake-api.js";
import { addSurfaces, runCommand } from "./fake-surfaces.js";

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

describe('notifyOnInbox: "nextTurn"', () => {
  it("lists arrivals in the session's next turn and wakes no one", async () => {
    const sandbox = await createSandbox();
    sandboxes.push(sandbox);
    const { runtime, calls } = fakeRuntime({ main: sandbox.workspace });
    const logger = fakeLogger();
    const pluginConfig = {
      mode: "mailbox",
      provider: "local",
      local: { path: sandbox.cloud },
      outboxSettleSeconds: 0,
      notifyOnInbox: "nextTurn",
    };
    let sealed = false;
    const fake = fakeApi(pluginConfig, runtime, logger);
    const surfaces = addSurfaces(fake.api, () => sealed);
    plugin.register(fake.api);
    fake.seal();
    sealed = true;
    const ctx = { config: {}, workspaceDir: sandbox.workspace, stateDir: sandbox.root, logger };
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    await service.start(ctx);
    stops.push(async () => service.stop?.(ctx));
    await fake.registered.hooks.session_start?.[0]?.(
      { sessionId: "s1", sessionKey: "agent:main:chat-1" },
      { agentId: "main", sessionId: "s1", sessionKey: "agent:main:chat-1" },
    );
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    expect(surfaces.injections).toEqual([]); // nothing arrived
    await writeFile(join(sandbox.remoteDir, "_outbox", "report.pdf"), "pdf");
    expect(await runCommand(surfaces, "/sync")).toMatch(/^Synced/);
    expect(surfaces.injections).toEqual([
      expect.objectContaining({
        sessionKey: "agent:main:chat-1",
        agentId: "main",
        text: expect.stringContaining("1 new file arrived in the workspace _inbox: report.pdf"),
      }),
    ]);
    expect(calls.events).toEqual([]);
    expect(calls.heartbeats).toEqual([]);
    expect(calls.heartbeatsNow).toEqual([]);
  });
});
