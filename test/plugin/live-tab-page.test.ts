/**
 * The tab's page with its capability, in real headless Chromium, framed as OpenClaw's dashboard frames it
 * (`<iframe sandbox="allow-scripts">`, an opaque origin) and served by the plugin's real live route with
 * a 3-second capability: the page reconnects with the capability its stream renewed (the one in its HTML
 * has expired by then) without reloading; when the key changes (a service restart) it reloads itself and
 * is live again; at the end of its session (the page load's hour, shortened here) it reloads itself; a
 * page refused before it was ever live says so once and does not reload in a loop.
 * The log comes from a real one-shot `sync`.
 */
import { writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import {
  createLiveRoute,
  type LiveRoute,
  liveReadRoutePath,
  liveRoutePath,
} from "../../src/plugin/live-route.js";
import { eventually } from "../daemon/helpers.js";
import { type Browser, launchChromium } from "../support/browser.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";

const ttlMs = 3000;
let box: Sandbox;
let live: LiveRoute;
let browser: Browser;
let server: Server;
let origin: string;
/** Stand-in for a refusing plugin (every read 401), and how many times the page was served. */
const world = { refuseReads: false, pageLoads: 0 };

const parentPage = `<!doctype html><title>dashboard</title><iframe id="tab" sandbox="allow-scripts" src="${liveRoutePath}" style="width:1000px;height:800px"></iframe>`;

function dispatch(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path === "/dashboard") return void res.end(parentPage);
  if (path === liveReadRoutePath || path.startsWith(`${liveReadRoutePath}/`)) {
    if (!world.refuseReads) return void live.handleRead(req, res);
    res.writeHead(401, { "access-control-allow-origin": "null" }).end("unauthorized\n");
    return;
  }
  if (path === liveRoutePath || path.startsWith(`${liveRoutePath}/`)) {
    if (path === liveRoutePath || path === `${liveRoutePath}/`) world.pageLoads += 1;
    return void live.handle(req, res);
  }
  res.writeHead(404).end();
}

/** The plugin's live route for the sandbox's workspace, with 3-second capabilities. */
function liveRoute(capabilitySessionMs?: number): LiveRoute {
  const loaded = parseConfig({ mode: "mailbox", provider: "local", local: { path: box.cloud } }, "test", {});
  return createLiveRoute({
    config: () => loaded,
    stateDir: () => box.stateDir,
    workspace: () => box.workspace,
    unit: () => null,
    onWarning: () => undefined,
    capabilityTtlMs: ttlMs,
    ...(capabilitySessionMs === undefined ? {} : { capabilitySessionMs }),
  });
}

beforeAll(async () => {
  box = await createSandbox();
  await writeFile(join(box.shared, "notes.md"), "# notes\n");
  expect((await box.cli("sync")).code).toBe(0);
  live = liveRoute();
  server = createServer(dispatch);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await box?.cleanup();
});

async function openTab(): Promise<{ page: Page; frame: Frame; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${origin}/dashboard`);
  const frame = await eventually(
    () => page.frames().find((f) => f.url().includes(liveRoutePath)),
    "the tab's frame",
  );
  return { page, frame, errors };
}

const capOf = async (frame: Frame) =>
  (JSON.parse(await frame.$eval("#config", (el) => el.textContent ?? "null")) as { cap: string }).cap;

/** The page reloaded (its capability is another than `served`) and is live again. */
async function reloadedAndLive(frame: Frame, served: string): Promise<void> {
  await eventually(
    async () => {
      const now = await capOf(frame).catch(() => null);
      return now !== null && now !== served;
    },
    "the page reloaded with a new capability",
    20_000,
  );
  await frame.locator("#connection.live").waitFor({ timeout: 10_000 });
}

describe("the tab's page with its capability", () => {
  it("reconnects with the capability its stream renewed, after the one it was served with expired", async () => {
    const { page, frame, errors } = await openTab();
    await frame.locator("#connection.live").waitFor({ timeout: 30_000 });
    await frame.locator("#current-state", { hasText: "idle" }).waitFor();
    const served = await capOf(frame);
    const loads = world.pageLoads;
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 500));
    expect((await fetch(`${origin}${liveReadRoutePath}/api/snapshot?cap=${served}`)).status).toBe(401);
    // Every connection dropped (as when the network hiccups): the page retries with its newest capability.
    server.closeAllConnections();
    await frame.locator("#connection.down").waitFor({ timeout: 10_000 });
    await frame.locator("#connection.live").waitFor({ timeout: 10_000 });
    expect(await capOf(frame)).toBe(served); // the same page: it did not reload
    expect(world.pageLoads).toBe(loads);
    expect(await frame.isVisible("#blocked")).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("reloads itself once a new key refuses its capability (a service restart), and is live again", async () => {
    const { page, frame, errors } = await openTab();
    await frame.locator("#connection.live").waitFor({ timeout: 30_000 });
    const served = await capOf(frame);
    const loads = world.pageLoads;
    await live.close(); // what the service's stop does: streams end, the key is gone
    await reloadedAndLive(frame, served);
    expect(world.pageLoads).toBe(loads + 1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("at the end of its session the stream ends and the page reloads itself through the gateway's auth", async () => {
    // The same route with a 5-second session (1 hour in use): renewals every 1.5 s keep the page's start.
    await live.close();
    live = liveRoute(5000);
    const { page, frame, errors } = await openTab();
    await frame.locator("#connection.live").waitFor({ timeout: 30_000 });
    const served = await capOf(frame);
    const loads = world.pageLoads;
    await reloadedAndLive(frame, served);
    expect(world.pageLoads).toBe(loads + 1);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("says so, once, when its reads are refused before it was ever live (no reload loop)", async () => {
    world.refuseReads = true;
    try {
      const loads = world.pageLoads;
      const { page, frame } = await openTab();
      await frame.locator("#blocked").waitFor({ timeout: 30_000 });
      expect(await frame.textContent("#connection")).toBe("no live data");
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(world.pageLoads).toBe(loads + 1);
      expect(await frame.isVisible("#blocked")).toBe(true);
      await page.close();
    } finally {
      world.refuseReads = false;
    }
  });
});
