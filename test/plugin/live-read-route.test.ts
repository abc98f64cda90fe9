/**
 * The dashboard tab's capability route: `auth: "plugin"`, beside the gateway-authenticated page. The page
 * carries a short-lived read-only capability; with it (and only with it) the route serves the read
 * endpoints, and nothing else.
 */
import { readdir, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { HttpRouteParams } from "../../src/plugin/api.js";
import plugin from "../../src/plugin/index.js";
import { createSandbox } from "../support/sandbox.js";
import { fakeApi, fakeLogger, fakeRuntime } from "./fake-api.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const page = "/workspace-sync/live";
const read = "/workspace-sync/live-read";

/** A stand-in for the gateway's dispatch: each route gets the paths under it (no auth of its own here). */
async function serve(routes: HttpRouteParams[]): Promise<string> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const route = routes.find((r) => path === r.path || path.startsWith(`${r.path}/`));
    if (route) void route.handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The capability and the read base in the page's config. */
async function pageConfig(base: string): Promise<{ base: string; cap: string }> {
  const html = await (await fetch(`${base}${page}/`)).text();
  const json = /<script type="application\/json" id="config">(.*?)<\/script>/s.exec(html)?.[1];
  return JSON.parse(json ?? "null") as { base: string; cap: string };
}

/** The first events of the stream, until a snapshot arrived. */
async function firstEvents(url: string): Promise<string> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body?.getReader();
  let text = "";
  while (reader && !text.includes("event: snapshot")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString("utf8");
  }
  abort.abort();
  return text;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("the live page's capability route", () => {
  it("serves the read endpoints with the page's capability only, and nothing that changes anything", async () => {
    const sandbox = await createSandbox();
    cleanups.push(() => sandbox.cleanup());
    const { runtime } = fakeRuntime({ main: sandbox.workspace }, {});
    const logger = fakeLogger();
    const fake = fakeApi(
      { mode: "mailbox", provider: "local", local: { path: sandbox.cloud } },
      runtime,
      logger,
    );
    plugin.register(fake.api);
    fake.seal();
    expect(fake.registered.routes.map(({ path, auth, match }) => ({ path, auth, match }))).toEqual([
      { path: page, auth: "gateway", match: "prefix" },
      { path: read, auth: "plugin", match: "prefix" },
    ]);
    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    const ctx = { config: {}, workspaceDir: sandbox.workspace, stateDir: sandbox.root, logger };
    await service.start(ctx);
    cleanups.push(async () => service.stop?.(ctx));
    await callHost(join(sandbox.root, "workspace-sync"), {
      op: "send",
      workspace: sandbox.workspace,
      event: { type: "syncRequested", source: "cli" },
      wait: true,
    });
    const base = await serve(fake.registered.routes);

    // Before any page was served there is no key, so no capability: refused, saying nothing more.
    const early = await fetch(`${base}${read}/api/summary?cap=1.${"A".repeat(43)}`);
    expect([early.status, await early.text()]).toEqual([401, "unauthorized\n"]);

    const config = await pageConfig(base);
    expect(config.base).toBe(read);
    const cap = config.cap;
    expect(cap).toMatch(/^\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
    const withCap = (path: string, params = "") =>
      `${base}${read}${path}?cap=${encodeURIComponent(cap)}${params}`;

    // Without, or with a wrong capability: 401, the same words for each.
    const [since, expiry, signature] = cap.split(".") as [string, string, string];
    const wrong = [
      `${base}${read}/api/summary`,
      `${base}${read}/api/summary?cap=`,
      `${base}${read}/api/summary?cap=${since}.${Number(expiry) + 1}.${signature}`,
      `${base}${read}/api/summary?cap=${Number(since) - 1}.${expiry}.${signature}`,
      `${base}${read}/api/summary?cap=${since}.${expiry}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`,
      `${base}${read}/events`,
      `${base}${read}/`,
    ];
    for (const url of wrong) {
      const res = await fetch(url, { headers: { origin: "null" } });
      expect([res.status, await res.text()]).toEqual([401, "unauthorized\n"]);
      // The page can tell a refusal from a network failure (and so stop retrying).
      expect(res.headers.get("access-control-allow-origin")).toBe("null");
    }

    // With it: the page's reads, readable from the tab's sandboxed frame (Origin: null).
    const summary = await fetch(withCap("/api/summary"), { headers: { origin: "null" } });
    expect(summary.status).toBe(200);
    expect(summary.headers.get("access-control-allow-origin")).toBe("null");
    expect(await summary.json()).toMatchObject({ busy: false, problem: null });
    const byHeader = await fetch(`${base}${read}/api/snapshot`, {
      headers: { "x-workspace-sync-capability": cap },
    });
    expect(byHeader.status).toBe(200);
    expect(((await byHeader.json()) as { state: string }).state).toBe("idle");
    expect((await fetch(withCap("/api/history", "&limit=5"))).status).toBe(200);
    expect((await fetch(withCap("/api/state", "&seq=1"))).status).toBe(200);

    // The stream hands out a fresh capability at once (and every 5 minutes), good on its own.
    const stream = await firstEvents(withCap("/events"));
    const renewed = /event: capability\ndata: (.*)\n/.exec(stream)?.[1];
    const fresh = (JSON.parse(renewed ?? "null") as { cap: string }).cap;
    expect(fresh).toMatch(/^\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect((await fetch(`${base}${read}/api/snapshot?cap=${encodeURIComponent(fresh)}`)).status).toBe(200);

    // Nothing but those reads: not the page (it mints capabilities), not the chart, no other method.
    for (const path of [
      "/",
      "",
      "/chart.svg",
      "/api",
      "/api/other",
      "/events/x",
      "/api/summary/",
      "/api%2Fsummary",
    ])
      expect((await fetch(withCap(path))).status, path).toBe(404);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/events", "/api/summary", "/api/snapshot"]) {
        expect((await fetch(withCap(path), { method })).status).toBe(405);
        expect((await fetch(`${base}${read}${path}`, { method })).status).toBe(401);
      }
    }

    // The capability is in no log line and no file of ours (event log, status, state).
    const lines = logger.lines.map((l) => l.message).join("\n");
    expect(lines).not.toContain(signature);
    expect(lines).not.toContain(fresh.split(".")[2]);
    for (const file of await filesUnder(sandbox.root)) {
      if (file.endsWith(".sock")) continue;
      const content = await readFile(file).catch(() => Buffer.alloc(0));
      expect(content.includes(signature), file).toBe(false);
    }

    // A service restart makes a new key: every earlier capability is refused; a fresh page works.
    await service.stop?.(ctx);
    await service.start(ctx);
    expect((await fetch(withCap("/api/snapshot"))).status).toBe(401);
    expect((await fetch(`${base}${read}/api/snapshot?cap=${encodeURIComponent(fresh)}`)).status).toBe(401);
    const again = await pageConfig(base);
    expect(again.cap).not.toBe(cap);
    expect((await fetch(`${base}${read}/api/snapshot?cap=${encodeURIComponent(again.cap)}`)).status).toBe(
      200,
    );
  });
});
