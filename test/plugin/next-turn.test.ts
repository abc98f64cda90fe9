import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NextTurnInjection } from "../../src/plugin/api-session.js";
import { NextTurnNotes } from "../../src/plugin/next-turn.js";
import { nextTurnTtlMs } from "../../src/plugin/waiting-notes.js";
import { eventually } from "../daemon/helpers.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeLogger, fakeRuntime } from "./fake-api.js";
import { registerWithSurfaces, runCommand } from "./fake-surfaces.js";
import { openclawLike } from "./fake-workflow.js";

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
    const { fake, surfaces } = registerWithSurfaces(pluginConfig, runtime, logger);
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

describe("next-turn notes without a stored session", () => {
  it("waits for a session of the workspace to start, then is queued there once", async () => {
    const stored = new Set<string>();
    const { workflow, queued } = openclawLike(stored);
    let now = 1_000;
    const notes = new NextTurnNotes(
      () => workflow,
      () => now,
    );
    const logger = fakeLogger();
    const main = { sessionKey: "agent:main:main", agentId: "main" };
    notes.tell("/ws", main, "workspace-sync alert: boom", "k1", logger);
    notes.tell("/ws", main, "workspace-sync alert: boom", "k1", logger); // the same note again
    await eventually(() => notes.waiting("/ws") === 1, "the note waiting");
    expect(queued).toEqual([]);

    now += 60_000;
    stored.add("agent:main:main");
    notes.sessionStarted("/ws", main, logger);
    await eventually(() => queued.length === 1, "the note queued");
    expect(queued[0]).toMatchObject({ sessionKey: "agent:main:main", text: "workspace-sync alert: boom" });
    expect(queued[0]?.ttlMs).toBe(nextTurnTtlMs - 60_000); // it does not live longer for having waited
    expect(notes.waiting("/ws")).toBe(0);
    notes.sessionStarted("/ws", main, logger);
    notes.tell("/ws", main, "workspace-sync alert: boom", "k1", logger); // already queued: once
    await new Promise((r) => setTimeout(r, 20));
    expect(queued).toHaveLength(1);
  });

  it("a session that starts while a note is being tried (and told no session) still gets it", async () => {
    const stored = new Set<string>();
    const queued: NextTurnInjection[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const workflow = {
      enqueueNextTurnInjection: async (injection: NextTurnInjection) => {
        const found = stored.has(injection.sessionKey); // read before the session is stored
        await gate;
        if (!found) return { enqueued: false, id: "", sessionKey: injection.sessionKey };
        queued.push(injection);
        return { enqueued: true, id: injection.idempotencyKey ?? "x", sessionKey: injection.sessionKey };
      },
    };
    const notes = new NextTurnNotes(() => workflow);
    const logger = fakeLogger();
    const main = { sessionKey: "agent:main:main", agentId: "main" };
    notes.tell("/ws", main, "workspace-sync alert: boom", "k1", logger);
    stored.add(main.sessionKey);
    notes.sessionStarted("/ws", main, logger);
    release();
    await eventually(() => queued.length === 1, "the note queued into the started session");
    expect(notes.waiting("/ws")).toBe(0);
  });

  it("drops a note that waited longer than a day", async () => {
    const stored = new Set<string>();
    const { workflow, queued } = openclawLike(stored);
    let now = 0;
    const notes = new NextTurnNotes(
      () => workflow,
      () => now,
    );
    const target = { sessionKey: "agent:main:chat-9", agentId: "main" };
    notes.tell("/ws", target, "old news", "k2", fakeLogger());
    await eventually(() => notes.waiting("/ws") === 1, "the note waiting");
    now = nextTurnTtlMs + 1;
    stored.add(target.sessionKey);
    notes.sessionStarted("/ws", target, fakeLogger());
    notes.tell("/ws", target, "fresh news", "k3", fakeLogger());
    await eventually(() => queued.length === 1, "the fresh note queued");
    await new Promise((r) => setTimeout(r, 20));
    expect(queued.map((q) => q.text)).toEqual(["fresh news"]);
    expect(notes.waiting("/ws")).toBe(0);
  });
});
