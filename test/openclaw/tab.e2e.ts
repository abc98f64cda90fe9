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
 * The tab's frame has an opaque origin, so the page's own requests carry OpenClaw's cookie grant only as
 * a third-party cookie. A fresh Chromium profile blocks those (Google Chrome's default sends them): the
 * main browser here sends them as Chrome does; then a browser with Chromium's default opens the tab and
 * the page says why no live data arrives; then, with `gateway.controlUi.embedSandbox: "trusted"`
 * (hot-applied: the frame gets `allow-same-origin`, so the cookie is first-party), the same kind of
 * browser shows live data.
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
} from "./harness.js";
import { installed } from "./openclaw.js";

const mib = 1024 * 1024;
const route = "/workspace-sync/live";

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
    await installPlugin(stateDir, {
      mode: "mailbox",
      provider: "local",
      local: { path: cloud },
      watch: false,
    });
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
    await page.screenshot({ path: await artifactPath("tab-done-800.png") });
  });

  it("says why no live data arrives when the browser blocks third-party cookies (Chromium's default)", async () => {
    if (gateway === null) throw new Error("the gateway did not start");
    const browser = await launchChromium();
    browsers.push(browser);
    const blockedPage = await browser.context.newPage();
    const blockedFrame = await openTab(blockedPage, gateway.port, "tab-blocked-open-failed.png");
    // The page itself loads (the frame's navigation carries the cookie); its own requests do not.
    await blockedFrame.locator("#blocked").waitFor({ timeout: 30_000 });
    expect(await text(blockedFrame, "#blocked")).toContain("third-party cookies");
    expect(await text(blockedFrame, "#connection")).toBe("no live data");
    await blockedPage.screenshot({ path: await artifactPath("tab-blocked-1400.png") });
    await blockedPage.setViewportSize({ width: 800, height: 900 });
    await blockedFrame.locator("#blocked").waitFor();
    expect(await overflowing(blockedFrame)).toEqual([]);
    await blockedPage.screenshot({ path: await artifactPath("tab-blocked-800.png") });
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
