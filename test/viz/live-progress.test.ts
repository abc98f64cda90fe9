/**
 * The live page as people use it while a host runs, in real headless Chromium: a real `workspace-sync
 * daemon` (real rclone on the `local` provider, slowed by `--bwlimit` so a ~200 MB push lasts several
 * seconds) and a real `viz --live` following it over the socket. During the push the page shows the
 * transfer (bytes, files, speed, ETA, the files being transferred); the plain summary says when the last
 * sync ran, when the next runs, and what is wrong with its fix; "took" is how long each event's own state
 * lasted; the keyboard steps through the events; at 800 px nothing is wider than its box. Screenshots go
 * to test/artifacts/.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, untilReady } from "../daemon/helpers.js";
import { rcloneWrapper } from "../faults/support.js";
import {
  artifactPath,
  type Browser,
  launchChromium,
  liveAddressOf,
  overflowingScript,
} from "../support/browser.js";
import { cliPath, createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";

const mib = 1024 * 1024;
let box: Sandbox;
let daemon: ChildProcess;
let live: ChildProcess;
let url: URL;
let browser: Browser;
let page: Page;

const overflowing = (p: Page) => p.evaluate(overflowingScript) as Promise<string[]>;
const text = async (p: Page, selector: string) => ((await p.textContent(selector)) ?? "").trim();

/** Seconds in a "took" cell ("850 ms", "8.1 s", "1 min 3 s"; "so far" for the newest). */
function seconds(took: string): number {
  const ms = took.match(/^(\d+) ms/);
  if (ms) return Number(ms[1]) / 1000;
  const s = took.match(/^([\d.]+) s/);
  if (s) return Number(s[1]);
  const min = took.match(/^(\d+) min (\d+) s/);
  if (min) return Number(min[1]) * 60 + Number(min[2]);
  throw new Error(`not a duration: "${took}"`);
}

beforeAll(async () => {
  // A timer an hour after the last cycle: the summary has a next run, and nothing starts by itself.
  // No watcher: the page is followed through the cycles the test asks for, each bootstrapped from a request.
  box = await createSandbox({ interval: 3600, watch: false });
  await writeFile(join(box.shared, "notes.md"), "# notes\n");
  expect((await box.cli("sync")).code).toBe(0);
  const slow = await rcloneWrapper(box.root, ["--bwlimit", "25M"]);
  daemon = spawn(process.execPath, [cliPath, "daemon", ...box.args], {
    env: testEnv({ WORKSPACE_SYNC_RCLONE: slow }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  await untilReady(daemon);
  live = box.spawnCli("viz", "--live", "--json");
  url = await liveAddressOf(live);
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const child of [live, daemon]) {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await exited(child);
    }
  }
  await box?.cleanup();
});

describe("the live page while a host runs", () => {
  it("says in plain words when the last sync ran, when the next runs, and that nothing is wrong", async () => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url.href);
    await page.waitForSelector("#connection.live", { timeout: 30_000 });
    await page.locator("#sum-last", { hasText: /took/ }).waitFor({ timeout: 30_000 });
    expect(await text(page, "#sum-now")).toBe("waiting for the next sync");
    expect(await text(page, "#sum-next")).toContain("by the interval timer");
    expect(await text(page, "#sum-problem")).toBe("Nothing is wrong.");
    expect(await page.isVisible("#progress")).toBe(false);
    expect(errors).toEqual([]);
  });

  it("shows bytes, files, speed, ETA and the files in flight during a ~200 MB push", async () => {
    await writeFile(join(box.shared, "big-1.bin"), Buffer.alloc(100 * mib, 1));
    await writeFile(join(box.shared, "big-2.bin"), Buffer.alloc(100 * mib, 2));
    const sync = box.cli("sync");
    await page
      .locator("#progress-bytes", { hasText: /MiB \/ 200\.\d MiB \(\d+%\)/ })
      .waitFor({ timeout: 60_000 });
    expect(await page.isVisible("#progress")).toBe(true);
    expect(await text(page, "#sum-now")).toMatch(/^syncing \(/);
    expect(await text(page, "#progress-files")).toMatch(/^\d \/ 2 files$/);
    expect(await text(page, "#progress-speed")).toMatch(/^[\d.]+ (KiB|MiB)\/s$/);
    expect(await text(page, "#progress-eta")).toMatch(/^ETA ([\d.]+ s|\d+ min \d+ s)$/);
    const inFlight = await page.$$eval("#progress-current li .file", (els) =>
      els.map((el) => el.textContent),
    );
    expect(inFlight.length).toBeGreaterThan(0);
    for (const name of inFlight) expect(name).toMatch(/(^|\/)big-[12]\.bin$/);
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: await artifactPath("live-progress-1400.png") });

    // Still pushing at 800 px: the page fits, nothing is clipped or spills.
    await page.setViewportSize({ width: 800, height: 900 });
    await page.locator("#progress-bytes", { hasText: /MiB \/ 200/ }).waitFor();
    expect(await page.isVisible("#progress")).toBe(true);
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: await artifactPath("live-progress-800.png"), fullPage: true });

    const done = await sync;
    expect(done.code, done.stderr).toBe(0);
    await page.locator("#sum-last", { hasText: /just now|s ago/ }).waitFor({ timeout: 30_000 });
    await page.waitForSelector("#progress", { state: "hidden", timeout: 30_000 });
    expect(await text(page, "#sum-now")).toBe("waiting for the next sync");
    await page.screenshot({ path: await artifactPath("live-progress-done-800.png"), fullPage: true });
  });

  it('shows as "took" how long the state each event led to lasted', async () => {
    const rows = await page.$$eval("#timeline tr", (trs) =>
      trs.map((tr) => ({
        event: tr.querySelector("td.event")?.textContent ?? "",
        state: tr.querySelector("td.state")?.textContent ?? "",
        took: tr.querySelector("td.took")?.textContent ?? "",
      })),
    );
    // Newest first: the newest row's state still lasts; the push is the long state of the cycle.
    expect(rows[0]?.took).toMatch(/so far$/);
    const cycle = rows.slice(1, rows.findIndex((r, i) => i > 0 && r.event === "syncRequested") + 1);
    const pushing = cycle.find((r) => r.state === "running.pushing");
    expect(pushing?.event).toBe("bootstrapDone");
    for (const other of cycle.filter((r) => r !== pushing))
      expect(seconds(other.took)).toBeLessThan(seconds(pushing?.took ?? ""));
  });

  it("steps through the events with the keyboard, and Escape goes back to live", async () => {
    const newest = Number(await page.getAttribute("#timeline tr:first-child", "data-seq"));
    await page.keyboard.press("ArrowDown");
    await page.locator("#state-seq", { hasText: `after #${newest}` }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.locator("#state-seq", { hasText: `after #${newest - 1}` }).waitFor();
    expect(await page.getAttribute("tr.selected", "data-seq")).toBe(String(newest - 1));
    expect(await page.evaluate("document.activeElement.dataset.seq")).toBe(String(newest - 1));
    await page.keyboard.press("End");
    await page.locator("#state-seq", { hasText: /^after #1$/ }).waitFor();
    await page.keyboard.press("ArrowUp");
    await page.locator("#state-seq", { hasText: /^after #2$/ }).waitFor();
    expect(await page.isVisible("#travel")).toBe(true);
    await page.keyboard.press("Escape");
    await page.locator("#state-seq", { hasText: `after #${newest}` }).waitFor();
    expect(await page.isVisible("#travel")).toBe(false);
  });

  it("says what is wrong and the fix, and the error text is readable at 800 px", async () => {
    // The remote folder replaced by a file: the next push cannot write there.
    await rm(box.remoteDir, { recursive: true, force: true });
    await writeFile(box.remoteDir, "not a folder");
    await writeFile(join(box.shared, "more.md"), "more\n");
    const failed = await box.cli("sync");
    expect(failed.code).toBe(1);
    await page.locator("#sum-problem-box.bad").waitFor({ timeout: 30_000 });
    expect(await text(page, "#sum-problem")).toContain("is a file not a directory");
    expect(await text(page, "#sum-fix")).toMatch(/^Fix: /);
    const errorCell = page.locator("#timeline tr.failed td.error").first();
    await errorCell.waitFor({ timeout: 30_000 });
    expect((await errorCell.textContent())?.length ?? 0).toBeGreaterThan(10);
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: await artifactPath("live-error-800.png"), fullPage: true });
  });
});
