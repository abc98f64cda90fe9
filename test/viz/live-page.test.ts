/**
 * The live page in real headless Chromium, fed by a real `viz --live` process reading the event log that
 * real one-shot `sync` runs (real rclone) write from other processes: it loads, highlights the state the
 * workspace is in, follows a sync from idle through the cycle and back, and time travel shows an earlier
 * state. Screenshots go to test/artifacts/ for review. The page is refused without the token, with a
 * foreign Host header, and is not served on any address but 127.0.0.1.
 */
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPath, type Browser, launchChromium, liveAddressOf } from "../support/browser.js";
import { createSandbox, makeFiles, type Sandbox } from "../support/sandbox.js";

let box: Sandbox;
let live: ChildProcess;
let url: URL;
let browser: Browser;

function status(target: URL, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(target, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Resolves with the connection error code (or "connected"). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(10_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * Collects every state the page shows, in order (the page dispatches `workspace-sync:shown`). Browser-side
 * code is given as text: this project compiles without the DOM's types.
 */
async function recordShown(page: Page): Promise<void> {
  await page.evaluate(`
    window.shown = [];
    document.addEventListener("workspace-sync:shown", (event) => window.shown.push(event.detail));
  `);
}

const shown = (page: Page) => page.evaluate("window.shown") as Promise<{ state: string; seq: number }[]>;

/** Waits until the page shows the state after event `seq` (selectors: the page's CSP forbids eval). */
const showsSeq = (page: Page, seq: number) =>
  page.locator("#state-seq", { hasText: new RegExp(`^after #${seq}$`) }).waitFor({ timeout: 30_000 });

const activeIds = (page: Page) => page.$$eval(".state.active", (els) => els.map((el) => el.id).sort());

beforeAll(async () => {
  box = await createSandbox();
  await writeFile(join(box.shared, "notes.md"), "# notes\n");
  expect((await box.cli("sync")).code).toBe(0);
  live = box.spawnCli("viz", "--live", "--json");
  url = await liveAddressOf(live);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (live && live.exitCode === null) {
    const exited = new Promise((resolve) => live.once("exit", resolve));
    live.kill("SIGINT");
    await exited;
  }
  await box?.cleanup();
});

describe("the live page", () => {
  it("is served only on 127.0.0.1, only with the token, only under its own Host", async () => {
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.searchParams.get("token")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await status(url)).toBe(200);
    const bare = new URL(url);
    bare.search = "";
    expect(await status(bare)).toBe(403);
    for (const path of ["/events", "/api/snapshot", "/api/history", "/api/state?seq=1", "/chart.svg"]) {
      expect(await status(new URL(path, bare))).toBe(403);
    }
    const wrong = new URL(url);
    wrong.searchParams.set("token", `${url.searchParams.get("token")?.slice(0, -1)}x`);
    expect(await status(wrong)).toBe(403);
    expect(await status(url, { host: `rebind.example:${url.port}` })).toBe(403);
    const port = Number(url.port);
    // Bound to 127.0.0.1 alone: another loopback address and IPv6 loopback find nothing listening.
    expect(await tryConnect("127.0.0.2", port)).toBe("ECONNREFUSED");
    expect(["ECONNREFUSED", "EADDRNOTAVAIL", "EAFNOSUPPORT"]).toContain(await tryConnect("::1", port));
  });

  it("loads, highlights the current state, follows a sync through the cycle and back, and time-travels", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("request", (req) => requests.push(req.url()));
    await page.goto(url.href);
    await page.waitForSelector("#connection.live", { timeout: 30_000 });
    await page.waitForSelector('tr[data-seq="7"]', { timeout: 30_000 });
    expect(await page.textContent("#current-state")).toBe("idle");
    expect(await activeIds(page)).toEqual(["state:mailbox.idle"]);
    const firstRun = await page.$$eval("#timeline tr", (rows) => rows.map((r) => r.children[2]?.textContent));
    expect(firstRun).toEqual([
      "hostStopped",
      "drainDone",
      "pushDone",
      "bootstrapDone",
      "lockAcquired",
      "syncRequested",
      "hostStarted",
    ]);
    await page.screenshot({ path: await artifactPath("live-1-idle.png") });

    // A sync in another process: the page follows the log it writes.
    await recordShown(page);
    await makeFiles(box.shared, 20, 64 * 1024);
    const sync = await box.cli("sync");
    expect(sync.code).toBe(0);
    await page.waitForSelector('tr[data-seq="14"]', { timeout: 30_000 });
    await showsSeq(page, 14);
    // Every event of the second run was shown live, in order: the chart went from idle through the cycle.
    const seen = (await shown(page)).map((s) => `#${s.seq} ${s.state}`);
    expect(seen.filter((s, i) => seen.indexOf(s) === i)).toEqual([
      "#8 idle",
      "#9 running.locking",
      "#10 running.bootstrapping",
      "#11 running.pushing",
      "#12 running.draining",
      "#13 idle",
      "#14 idle",
    ]);
    expect(await activeIds(page)).toEqual(["state:mailbox.idle"]);
    await page.screenshot({ path: await artifactPath("live-2-after-sync.png") });

    // Time travel: the state right after the first run's pushDone (#5) was running.draining.
    await page.click('tr[data-seq="5"]');
    await showsSeq(page, 5);
    expect(await page.textContent("#current-state")).toBe("running.draining");
    expect(await page.isVisible("#travel")).toBe(true);
    expect(await activeIds(page)).toEqual(["state:mailbox.running", "state:mailbox.running.draining"]);
    const taken = await page.$$eval(".transition.taken text", (els) =>
      els.map((el) => el.textContent?.trim()),
    );
    expect(taken).toEqual(["pushDone [wantsDrain]"]);
    const context = JSON.parse((await page.textContent("#context")) ?? "null");
    expect(context.push.stats.transfers).toBe(1);
    expect(context.drain).toBeNull();
    await page.screenshot({ path: await artifactPath("live-3-time-travel.png") });

    await page.click("#back-to-live");
    await page.locator("#current-state", { hasText: /^idle$/ }).waitFor({ timeout: 30_000 });
    expect(await page.isVisible("#travel")).toBe(false);

    expect(errors).toEqual([]);
    // Everything the page loaded came from the live server itself.
    expect(requests.filter((r) => !r.startsWith(url.origin) && !r.startsWith("data:"))).toEqual([]);
    await page.close();
  });
});
