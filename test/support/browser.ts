/**
 * Real headless Chromium for page tests: Debian's `chromium` driven by npm `playwright-core` (never a
 * downloaded browser), a fresh profile per launch, no background network of its own.
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";
export const artifactsDir = join(import.meta.dirname, "..", "artifacts");

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /**
   * Send third-party cookies, as Google Chrome does by default (cookie controls "block in Incognito
   * only"). A fresh Chromium profile blocks them, and with them the cookie OpenClaw's dashboard signs a
   * plugin tab's sandboxed frame in with (seen as blocked reason `UserPreferences`).
   */
  thirdPartyCookies?: boolean;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "wsync-chromium-"));
  if (options.thirdPartyCookies) {
    // Chromium's CookieControlsMode: 0 off, 1 block third-party, 2 block in Incognito only.
    await mkdir(join(profile, "Default"));
    await writeFile(
      join(profile, "Default", "Preferences"),
      JSON.stringify({ profile: { cookie_controls_mode: 2 } }),
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where a test keeps a screenshot for people to review (`test/artifacts/`, not committed). */
export async function artifactPath(name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  return join(artifactsDir, name);
}

/** The address a `viz --live --json` process prints (its first JSON document). */
export function liveAddressOf(child: ChildProcess): Promise<URL> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      try {
        resolve(new URL((JSON.parse(out) as { url: string }).url));
      } catch {
        // not all of it yet
      }
    });
    child.once("exit", (code) => reject(new Error(`viz --live exited ${code}: ${err}`)));
  });
}

/**
 * Elements whose content is wider than their box at the current viewport (clipped or spilling), and the
 * page itself when it scrolls sideways; the chart's own SVG drawing is left out (it scales to its box).
 * Browser-side code as text: this project compiles without the DOM's types.
 */
export const overflowingScript = `(() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push("page: " + doc.scrollWidth + " > " + doc.clientWidth);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") || el.closest("[hidden]")) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.display === "inline" || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1)
      out.push((el.id ? "#" + el.id : el.tagName.toLowerCase() + "." + el.className) + ": " + el.scrollWidth + " > " + el.clientWidth);
  }
  return out;
})()`;
