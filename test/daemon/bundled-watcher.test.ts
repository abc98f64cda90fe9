/**
 * The watcher as it ships: `dist/workspace-sync.mjs` carries `@parcel/watcher`'s JavaScript and requires
 * only the native binary (an optional dependency per platform) from node_modules. A daemon of the built CLI
 * pushes a file written after it started, with no one asking, and never says its watcher failed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath, createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";
import { eventually, untilReady } from "./helpers.js";

const sandboxes: Sandbox[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

describe("the built CLI's watcher", () => {
  it("pushes what is written after the daemon started, unasked", async () => {
    const sandbox = await createSandbox({ watch: true, watchDebounceMs: 200 });
    sandboxes.push(sandbox);
    const child = spawn(process.execPath, [cliPath, "daemon", ...sandbox.args], {
      env: testEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const { output } = await untilReady(child);
    // The start-up cycle has made the remote folder; the file is written after it.
    await eventually(() => existsSync(sandbox.remoteDir), "the start-up cycle");
    await writeFile(join(sandbox.shared, "unasked.md"), "pushed by the watcher");
    await eventually(() => existsSync(join(sandbox.remoteDir, "unasked.md")), "the watcher's push");
    expect(output()).not.toMatch(/watcher on .* failed/);
  });
});
