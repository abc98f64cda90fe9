/**
 * The dashboard tab in OpenClaw's real Control UI, in real headless Chromium: a real gateway with the
 * plugin linked on the `local` provider (rclone slowed by `--bwlimit` so a ~200 MB push lasts several
 * seconds). The browser signs in as a person on the gateway host does, with no test-only gateway setting:
 * it opens the dashboard with the gateway token in the URL fragment (`/#token=...`, OpenClaw's documented
 * handoff, stripped from the address by the UI), and the gateway approves the device pairing of a direct
 * loopback connection by itself. With no model configured the dashboard first shows its model setup;
 * "Back to app" leaves it. The test clicks **Workspace sync** in the sidebar, sends `/sync` as a chat
 * message, and the push runs in the plugin's service inside the gateway; inside the tab's sandboxed frame
 * the transfer shows (bytes, files, speed, ETA, files in flight) at 1400 and at 800 px, where nothing in
 * the frame is wider than its box. Screenshots go to test/artifacts/tab-*.png.
 *
 * The tab's frame has an opaque origin, so the page's own requests would carry OpenClaw's cookie grant
 * only as a third-party cookie, which a fresh Chromium profile blocks (Google Chrome's default sends
 * them). The page reads its live data with a short-lived read-only capability instead, from the plugin's
 * `auth: "plugin"` read route: a second browser with Chromium's default (third-party cookies blocked)
 * follows the same push live beside the main one (which sends them, as Chrome does); the gateway's own
 * route still wants its auth, and the read route wants the capability and serves nothing but reads.
 * Then, with `gateway.controlUi.embedSandbox: "trusted"` (hot-applied: the frame gets
 * `allow-same-origin`), the same kind of browser is live too.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../daemon/helpers.js";
import { rcloneWrapper } from "../faults/support.js";
import { artifactPath, type Browser, launchChromium, overflowingScript } from "../support/browser.js";
import {
  editConfig,
  type Gateway,
  gatewayToken,
  installPlugin,
  keepGatewayLog,
  runGateway,
  setPluginConfig,
} from "./harness.js";
import { installed } from "./openclaw.js";

const mib = 1024 * 1024;
const route = "/workspace-sync/live";
const readRoute = "/workspace-sync/live-read";

/** The path of a frame's address ("" for `about:blank` and the like). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

const overflowing = (frame: Frame) => frame.evaluate(overflowingScript) as Promise<string[]>;
const text = async (frame: Frame, selector: string) => ((await frame.textContent(selector)) ?? "").trim();

/** Sign in with the token in the URL fragment, leave the first-run model setup, click our tab. */
async function openTab(page: Page, port: number, shot: string, sandbox = "allow-scripts"): Promise<Frame> {
  await page.goto(`http://127.0.0.1:${port}/#token=${gatewayToken}`);
  try {
    await page.getByText("Back to app").click({ timeout: 60_000 });
    const tab = page.getByRole("link", { name: "Workspace sync" });
    await tab.waitFor({ timeout: 60_000 });
    expect(page.url()).not.toContain(gatewayToken);
    await tab.click();
    // The frame the Control UI mounts (not its hidden cookie probe): our route, in its sandbox.
    return await eventually(
      async () => {
        const element = await page.locator("iframe.plugin-tab-embed__frame").elementHandle();
        if ((await element?.getAttribute("sandbox")) !== sandbox) return undefined;
        const frame = await element?.contentFrame();
        return frame && pathOf(frame.url()).startsWith(route) ? frame : undefined;
      },
      "the tab's frame",
      60_000,
    );
  } catch (error) {
    await page.screenshot({ path: await artifactPath(shot) });
    throw error;
  }
}

describe("the Workspace sync tab in OpenClaw's Control UI", () => {
  let root: string;
  let stateDir: string;
  let workspace: string;
  let cloud: string;
  let gateway: Gateway | null = null;
  const browsers: Browser[] = [];
  let page: Page;
  let frame: Frame;
  /** A browser blocking third-party cookies (Chromium's default), its tab, and what its frame asked for. */
  let blockedPage: Page;
  let blockedFrame: Frame;
  const blockedRequests: { url: string; status: number; type: string }[] = [];

  const pluginConfig = (extra: Record<string, unknown> = {}) => ({
    mode: "mailbox",
    provider: "local",
    local: { path: cloud },
    watch: false,
    ...extra,
  });
  const configOf = async (f: Frame) =>
    JSON.parse(await f.$eval("#config", (el) => el.textContent ?? "null")) as { base: string; cap: string };

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-tab-"));
    stateDir = join(root, "oc");
    workspace = join(stateDir, "workspace");
    cloud = join(root, "cloud");
    await mkdir(join(workspace, "shared"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# from the agent\n");
    // No watcher and no timer: the push the test follows is the one `/sync` asks for.
    await installPlugin(stateDir, pluginConfig());
    // 200 MiB at 12 MiB/s: about 17 s of transfer, long enough to look at it at two widths.
    const slow = await rcloneWrapper(root, ["--bwlimit", "12M"]);
    gateway = await runGateway(stateDir, join(stateDir, "workspace-sync"), { WORKSPACE_SYNC_RCLONE: slow });
    const browser = await launchChromium({ thirdPartyCookies: true });
    browsers.push(browser);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    if (gateway) await keepGatewayLog(gateway, "tab");
    gateway?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("signs in with the token in the URL fragment and opens the tab from the sidebar", async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    frame = await openTab(page, gateway.port, "tab-open-failed-1400.png");
    await frame.locator("#connection.live").waitFor({ timeout: 30_000 });
    await frame.locator("#sum-now", { hasText: /\w/ }).waitFor({ timeout: 30_000 });
    expect(await text(frame, "#sum-problem")).toBe("Nothing is wrong.");
    expect(await frame.isVisible("#progress")).toBe(false);
    expect(await frame.isVisible("#blocked")).toBe(false);
    await page.screenshot({ path: await artifactPath("tab-idle-1400.png") });
    expect(errors).toEqual([]);
  });

  it("is live in a browser that blocks third-party cookies (Chromium's default), with the page's capability", async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    const browser = await launchChromium();
    browsers.push(browser);
    blockedPage = await browser.context.newPage();
    const errors: string[] = [];
    blockedPage.on("pageerror", (error) => errors.push(error.message));
    blockedPage.on("response", (res) =>
      blockedRequests.push({ url: res.url(), status: res.status(), type: res.request().resourceType() }),
    );
    blockedFrame = await openTab(blockedPage, gateway.port, "tab-blocked-open-failed.png");
    await blockedFrame.locator("#connection.live").waitFor({ timeout: 30_000 });
    await blockedFrame.locator("#sum-now", { hasText: /\w/ }).waitFor({ timeout: 30_000 });
    expect(await text(blockedFrame, "#sum-problem")).toBe("Nothing is wrong.");
    expect(await blockedFrame.isVisible("#blocked")).toBe(false);
    await blockedFrame.locator("#timeline tr").first().waitFor({ timeout: 30_000 });
    // Its reads went to the capability route and were answered; none to the gateway's route but the page.
    const reads = blockedRequests.filter((r) => pathOf(r.url).startsWith(`${readRoute}/`));
    expect(reads.map((r) => pathOf(r.url))).toEqual(
      expect.arrayContaining([`${readRoute}/events`, `${readRoute}/api/history`]),
    );
    expect(reads.every((r) => r.status === 200)).toBe(true);
    // On the gateway's route only documents: the Control UI's cookie probe and the page (both navigations).
    const onGatewayRoute = blockedRequests.filter(
      (r) => pathOf(r.url).startsWith(`${route}/`) || pathOf(r.url) === route,
    );
    expect(onGatewayRoute.length).toBeGreaterThan(0);
    expect(onGatewayRoute.every((r) => r.type === "document" && r.status === 200)).toBe(true);
    await blockedPage.screenshot({ path: await artifactPath("tab-blocked-1400.png") });
    expect(errors).toEqual([]);
  });

  it("keeps the gateway's auth: its route wants it, the read route wants the capability and serves only reads", async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    const base = `http://127.0.0.1:${gateway.port}`;
    const config = await configOf(blockedFrame);
    expect(config.base).toBe(readRoute);
    const cap = encodeURIComponent(config.cap);
    // The gateway's own route: 401 without the gateway's auth, as before.
    for (const path of [`${route}/`, `${route}/api/summary`, `${route}/events`])
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
    // The read route: 401 without a capability or with a forged one; reads with it; nothing else.
    const forged = `${Date.now() + 60_000}.${"A".repeat(43)}`;
    for (const query of ["", `?cap=${forged}`]) {
      const res = await fetch(`${base}${readRoute}/api/summary${query}`);
      expect([res.status, await res.text()]).toEqual([401, "unauthorized\n"]);
    }
    const summary = await fetch(`${base}${readRoute}/api/summary?cap=${cap}`, {
      headers: { origin: "null" },
    });
    expect(summary.status).toBe(200);
    expect(summary.headers.get("access-control-allow-origin")).toBe("null");
    expect(((await summary.json()) as { problem: unknown }).problem).toBeNull();
    expect((await fetch(`${base}${readRoute}/?cap=${cap}`)).status).toBe(404);
    expect((await fetch(`${base}${readRoute}/api/summary?cap=${cap}`, { method: "POST" })).status).toBe(405);
    // The capability is not in the gateway's log.
    expect(gateway.output()).not.toContain(config.cap.split(".")[2]);
  });

  it("shows bytes, files, speed, ETA and the files in flight while /sync pushes ~200 MB", async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    await writeFile(join(workspace, "shared", "big-1.bin"), Buffer.alloc(100 * mib, 1));
    await writeFile(join(workspace, "shared", "big-2.bin"), Buffer.alloc(100 * mib, 2));
    const reply = gateway.chat("/sync", { timeoutMs: 240_000 });
    reply.catch(() => undefined); // awaited below; a failure there fails the test
    await frame
      .locator("#progress-bytes", { hasText: /MiB \/ 200\.\d MiB \(\d+%\)/ })
      .waitFor({ timeout: 90_000 });
    expect(await frame.isVisible("#progress")).toBe(true);
    expect(await text(frame, "#sum-now")).toMatch(/^syncing \(/);
    expect(await text(frame, "#progress-files")).toMatch(/^\d \/ 3 files$/); // and notes.md, never pushed before
    expect(await text(frame, "#progress-speed")).toMatch(/^[\d.]+ (KiB|MiB)\/s$/);
    expect(await text(frame, "#progress-eta")).toMatch(/^ETA ([\d.]+ s|\d+ min \d+ s)$/);
    const inFlight = await frame.$$eval("#progress-current li .file", (els) =>
      els.map((el) => el.textContent),
    );
    expect(inFlight.length).toBeGreaterThan(0);
    for (const name of inFlight) expect(name).toMatch(/(^|\/)big-[12]\.bin$/);
    expect(await overflowing(frame)).toEqual([]);
    await page.screenshot({ path: await artifactPath("tab-progress-1400.png") });
    // The browser blocking third-party cookies follows the same push.
    await blockedFrame.locator("#progress-bytes", { hasText: /MiB \/ 200\.\d MiB \(\d+%\)/ }).waitFor();
    expect(await text(blockedFrame, "#sum-now")).toMatch(/^syncing \(/);
    expect(await text(blockedFrame, "#progress-files")).toMatch(/^\d \/ 3 files$/);
    await blockedPage.screenshot({ path: await artifactPath("tab-blocked-progress-1400.png") });

    // Still pushing at 800 px: the frame fits the window and nothing in it is clipped or spills.
    await page.setViewportSize({ width: 800, height: 900 });
    await frame.locator("#progress-bytes", { hasText: /MiB \/ 200/ }).waitFor();
    expect(await frame.isVisible("#progress")).toBe(true);
    const box = await page.locator("iframe.plugin-tab-embed__frame").boundingBox();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 801)).toBeLessThanOrEqual(800);
    expect(await overflowing(frame)).toEqual([]);
    await page.screenshot({ path: await artifactPath("tab-progress-800.png") });

    expect(await reply).toMatch(/^Synced in [\d.]+ s\./);
    expect((await stat(join(cloud, "openclaw-share", "big-2.bin"))).size).toBe(100 * mib);
    await frame.waitForSelector("#progress", { state: "hidden", timeout: 30_000 });
    await frame.locator("#sum-last", { hasText: /just now|s ago/ }).waitFor({ timeout: 30_000 });
    expect(await overflowing(frame)).toEqual([]);
    await page.screenshot({ path: await artifactPath("tab-done-800.png") });
    await blockedFrame.waitForSelector("#progress", { state: "hidden", timeout: 30_000 });
    await blockedFrame.locator("#sum-last", { hasText: /just now|s ago/ }).waitFor({ timeout: 30_000 });
    await blockedPage.setViewportSize({ width: 800, height: 900 });
    await blockedFrame.locator("#sum-last", { hasText: /just now|s ago/ }).waitFor();
    expect(await overflowing(blockedFrame)).toEqual([]);
    await blockedPage.screenshot({ path: await artifactPath("tab-blocked-done-800.png") });
  });

  it("comes back by itself after the plugin's service restarts (a new key refuses the old capability)", async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    const before = (await configOf(blockedFrame)).cap;
    const mainBefore = (await configOf(frame)).cap;
    // A plugin config edit restarts the service: its stop drops the key, so every capability ends.
    await editConfig(stateDir, (config) => setPluginConfig(config, pluginConfig({ interval: 7200 })));
    // The page finds its capability refused, reloads itself (the frame's own navigation carries the
    // gateway's grant, as its first load did) and is live with a new one.
    for (const [f, old] of [
      [blockedFrame, before],
      [frame, mainBefore],
    ] as const) {
      await eventually(
        async () => {
          const now = await configOf(f).catch(() => null);
          return now !== null && now.cap !== old;
        },
        "the tab reloaded with a new capability",
        90_000,
      );
      await f.locator("#connection.live").waitFor({ timeout: 30_000 });
      await f.locator("#sum-last", { hasText: /ago|just now/ }).waitFor({ timeout: 30_000 });
      expect(await f.isVisible("#blocked")).toBe(false);
    }
    const old = await fetch(
      `http://127.0.0.1:${gateway.port}${readRoute}/api/summary?cap=${encodeURIComponent(before)}`,
    );
    expect(old.status).toBe(401);
  });

  it('shows live data in a browser blocking third-party cookies with gateway.controlUi.embedSandbox: "trusted"', async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    // allow-same-origin: the frame has the gateway's origin, so the grant is a first-party cookie.
    await editConfig(stateDir, (config) => {
      config.gateway = {
        ...(typeof config.gateway === "object" ? config.gateway : {}),
        controlUi: { embedSandbox: "trusted" },
      };
    });
    await eventually(
      () => gateway?.output().includes("config hot reload applied (gateway.controlUi.embedSandbox)"),
      "the gateway to hot-apply embedSandbox",
      60_000,
    );
    // A fresh Chromium profile again (third-party cookies blocked): the config is read by the page on load.
    const browser = await launchChromium();
    browsers.push(browser);
    const trustedPage = await browser.context.newPage();
    const trustedFrame = await openTab(
      trustedPage,
      gateway.port,
      "tab-trusted-open-failed.png",
      "allow-scripts allow-same-origin",
    );
    await trustedFrame.locator("#connection.live").waitFor({ timeout: 30_000 });
    await trustedFrame.locator("#sum-last", { hasText: /ago|just now/ }).waitFor({ timeout: 30_000 });
    expect(await trustedFrame.isVisible("#blocked")).toBe(false);
    await trustedPage.screenshot({ path: await artifactPath("tab-trusted-1400.png") });
  });
});
