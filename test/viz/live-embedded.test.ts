/**
 * The live page as OpenClaw's dashboard shows a plugin tab: framed by a page of the same origin in
 * `<iframe sandbox="allow-scripts">` (an opaque origin: its requests say `Origin: null`), mounted with
 * `token: null` under the route the plugin registers. In real headless Chromium the framed page loads,
 * follows the log live, and time-travels (its requests pass CORS with credentials); the standalone page
 * may not be framed at all, nor read from another origin. The log comes from a real one-shot `sync`.
 */

import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspacePaths } from "../../src/paths.js";
import { createLiveHandler, type LiveHandler } from "../../src/viz/live/handler.js";
import { createLogSource, type LogSource } from "../../src/viz/live/log-source.js";
import { chartFor } from "../../src/viz/registry.js";
import { renderChart } from "../../src/viz/render.js";
import { artifactPath, type Browser, launchChromium } from "../support/browser.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";

const route = "/workspace-sync/live";
let box: Sandbox;
let source: LogSource;
let browser: Browser;
let server: Server;
let origin: string;
const handlers: LiveHandler[] = [];

/** A dashboard-like parent page framing `src` the way the Control UI frames a plugin tab. */
const parentPage = (src: string) =>
  `<!doctype html><title>dashboard</title><iframe id="tab" sandbox="allow-scripts" src="${src}" style="width:1000px;height:800px"></iframe>`;

beforeAll(async () => {
  box = await createSandbox();
  await writeFile(join(box.shared, "notes.md"), "# notes\n");
  expect((await box.cli("sync")).code).toBe(0);
  const chart = chartFor("mailbox");
  const paths = workspacePaths(box.stateDir, box.workspace, "shared", "mailbox");
  source = await createLogSource({ chart, logDir: paths.logDir });
  const svg = () => renderChart(chart, "svg");
  const embedded = createLiveHandler({ source, svg, token: null, basePath: route, embedded: true });
  const standalone = createLiveHandler({ source, svg, token: null, basePath: "/standalone" });
  handlers.push(embedded, standalone);
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/dashboard") return void res.end(parentPage(`${route}/`));
    if (path.startsWith(route)) return embedded(req, res);
    return standalone(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const handler of handlers) handler.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await source?.close();
  await box?.cleanup();
});

describe("the live page in the dashboard's sandboxed frame", () => {
  it("loads, follows the log and time-travels inside the frame", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${origin}/dashboard`);
    const frame = page.frameLocator("#tab");
    await frame.locator("#connection.live").waitFor({ timeout: 30_000 });
    await frame.locator('tr[data-seq="5"]').waitFor({ timeout: 30_000 });
    expect(await frame.locator("#current-state").textContent()).toBe("idle");
    await frame.locator('tr[data-seq="5"]').click();
    await frame.locator("#state-seq", { hasText: /^after #5$/ }).waitFor({ timeout: 30_000 });
    expect(await frame.locator("#current-state").textContent()).toBe("running.draining");
    await page.screenshot({ path: await artifactPath("live-embedded.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("may be framed only by its own origin; standalone, never", async () => {
    const embedded = await fetch(`${origin}${route}/`, { headers: { origin: "null" } });
    expect(embedded.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(embedded.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    const api = await fetch(`${origin}${route}/api/snapshot`, { headers: { origin: "null" } });
    expect(api.headers.get("access-control-allow-origin")).toBe("null");
    expect(api.headers.get("access-control-allow-credentials")).toBe("true");
    const foreign = await fetch(`${origin}${route}/api/snapshot`, {
      headers: { origin: "https://evil.example" },
    });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const standalone = await fetch(`${origin}/standalone/`, { headers: { origin: "null" } });
    expect(standalone.headers.get("x-frame-options")).toBe("DENY");
    expect(standalone.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const standaloneApi = await fetch(`${origin}/standalone/api/snapshot`, { headers: { origin: "null" } });
    expect(standaloneApi.headers.get("access-control-allow-origin")).toBeNull();
  });
});
