/**
 * The live feed over the event log (read-only, in this process) while real `sync` runs write it from other
 * processes; and the plain `(req, res)` handler mounted under a path with no token, as OpenClaw's gateway
 * mounts it behind its own auth.
 */

import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspacePaths } from "../../src/paths.js";
import { createLiveHandler } from "../../src/viz/live/handler.js";
import { createLogSource } from "../../src/viz/live/log-source.js";
import { HistoryUnavailableError, type LiveSource, type LiveUpdate } from "../../src/viz/live/source.js";
import { chartFor } from "../../src/viz/registry.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";

let box: Sandbox;
let source: LiveSource;

beforeAll(async () => {
  box = await createSandbox();
  const logDir = workspacePaths(box.stateDir, box.workspace, "shared").logDir;
  // Opened before the first sync: the log folder does not exist yet.
  source = await createLogSource({ chart: chartFor("mailbox"), logDir, pollMs: 200 });
  await writeFile(join(box.shared, "a.txt"), "a");
}, 60_000);
afterAll(async () => {
  await source?.close();
  await box?.cleanup();
});

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the log source", () => {
  it("starts at the initial state, then follows a sync run by another process, event by event", async () => {
    expect(await source.snapshot()).toMatchObject({ seq: 0, state: "idle", activeIds: ["mailbox.idle"] });
    const updates: LiveUpdate[] = [];
    const unsubscribe = source.subscribe((update) => updates.push(update));
    expect((await box.cli("sync")).code).toBe(0);
    await until(() => (updates.length >= 7 ? true : undefined), "seven events");
    unsubscribe();
    expect(updates.map((u) => `${u.entry.seq} ${u.entry.event.type} ${u.snapshot.state}`)).toEqual([
      "1 hostStarted idle",
      "2 syncRequested running.locking",
      "3 lockAcquired running.bootstrapping",
      "4 bootstrapDone running.pushing",
      "5 pushDone running.draining",
      "6 drainDone idle",
      "7 hostStopped idle",
    ]);
    expect(updates[4]?.snapshot.activeIds).toEqual(["mailbox.running", "mailbox.running.draining"]);
    expect(updates[0]?.entry.durationMs).toBeNull();
    for (const u of updates.slice(1)) expect(u.entry.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("gives the history with durations, and the state after any event (time travel)", async () => {
    const history = await source.history({ limit: 3 });
    expect(history.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(history[0]?.durationMs).toBeGreaterThanOrEqual(0);
    const after5 = await source.stateAt(5);
    expect(after5).toMatchObject({ seq: 5, state: "running.draining" });
    expect((after5.context as { push: { stats: { transfers: number } } }).push.stats.transfers).toBe(1);
    expect(await source.stateAt(0)).toMatchObject({ seq: 0, state: "idle", at: null });
    await expect(source.stateAt(99)).rejects.toThrow(HistoryUnavailableError);
    await expect(source.stateAt(99)).rejects.toThrow("no event #99 in the log");
  });
});

describe("the handler, mounted under a path behind someone else's auth", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const handler = createLiveHandler({
      source,
      svg: async () => "<svg></svg>",
      token: null,
      basePath: "/plugins/workspace-sync/live/",
    });
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/plugins/workspace-sync/live`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("serves the page with a strict CSP, the API, and clear errors", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain('"base":"/plugins/workspace-sync/live"');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(await (await fetch(`${base}/api/snapshot`)).json()).toMatchObject({ state: "idle" });
    const missing = await fetch(`${base}/api/state?seq=99`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "no event #99 in the log" });
    expect((await fetch(`${base}/api/state?seq=x`)).status).toBe(400);
    expect((await fetch(`${base}/api/history?limit=0`)).status).toBe(400);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/api/snapshot`, { method: "POST" })).status).toBe(405);
  });
});
