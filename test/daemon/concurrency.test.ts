/**
 * 100 triggers at once from the CLI's socket, the timer's path and the session hooks: every request is
 * answered, rclone never runs twice at the same time for the workspace, and nothing deadlocks.
 */
import { execFileSync } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { SendResult } from "../../src/ipc/protocol.js";
import { createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";
import { eventually, logRecords, startHost, syncRequests } from "./helpers.js";

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

/** The real rclone, run through a wrapper that records every run that overlaps another. */
async function probedRclone(root: string): Promise<{ binary: string; probe: string }> {
  const real = execFileSync("bash", ["-c", "command -v rclone"], { encoding: "utf8" }).trim();
  const probe = join(root, "probe");
  await mkdir(probe);
  const binary = join(root, "rclone-probe");
  await writeFile(
    binary,
    `#!/usr/bin/env bash
if [ "$1" = version ]; then exec "${real}" "$@"; fi
if mkdir "${probe}/running" 2>/dev/null; then owner=1; else echo "$$ $*" >> "${probe}/overlaps"; owner=0; fi
echo "$*" >> "${probe}/runs"
"${real}" "$@"; code=$?
[ "$owner" = 1 ] && rmdir "${probe}/running"
exit $code
`,
  );
  await chmod(binary, 0o755);
  return { binary, probe };
}

describe("a burst of triggers", () => {
  it("100 at once from CLI, timer and hooks: one rclone at a time, every request answered", async () => {
    const sandbox = await createSandbox();
    sandboxes.push(sandbox);
    for (let i = 0; i < 20; i++) await writeFile(join(sandbox.shared, `f${i}.txt`), `${i}`);
    const { binary, probe } = await probedRclone(sandbox.root);
    const host = await startHost(
      sandbox,
      // No watcher (`watch` is on by default): only the 100 requests below start cycles.
      { onSessionStart: true, watch: false },
      { env: testEnv({ WORKSPACE_SYNC_RCLONE: binary }) },
    );
    try {
      const unit = host.units()[0];
      if (!unit) throw new Error("no unit");
      const cli = Array.from({ length: 34 }, (_, i) =>
        callHost<SendResult>(sandbox.stateDir, {
          op: "send",
          workspace: sandbox.workspace,
          event: { type: "syncRequested", source: "cli", direction: i % 3 === 0 ? "push" : "both" },
          wait: true,
          progress: i % 2 === 0,
        }),
      );
      const timers = Array.from({ length: 33 }, () =>
        unit.request({ type: "syncRequested", source: "timer" }),
      );
      for (let i = 0; i < 33; i++) host.hook("session_start", sandbox.workspace);

      const answers = await Promise.all(cli);
      const timerAnswers = await Promise.all(timers);
      expect(answers.map((a) => a?.result.verdict)).toEqual(Array(34).fill("done"));
      expect(timerAnswers.map((a) => a.verdict)).toEqual(Array(33).fill("done"));

      const settled = await eventually(async () => {
        const records = await logRecords(sandbox.stateDir, sandbox.workspace);
        const idle = records.at(-1)?.state === "idle";
        return idle && syncRequests(records).length === 100 ? records : undefined;
      }, "all 100 requests logged and the unit idle");
      const sources = syncRequests(settled).map((r) => String(r.event.source));
      expect(sources.filter((s) => s === "hook")).toHaveLength(33);
      // Coalesced: far fewer cycles than requests.
      const cycles = settled.filter((r) => r.event.type === "lockAcquired").length;
      expect(cycles).toBeGreaterThanOrEqual(1);
      expect(cycles).toBeLessThan(10);
      const overlaps = await readFile(join(probe, "overlaps"), "utf8").catch(() => "");
      expect(overlaps).toBe("");
      expect(
        (await readFile(join(probe, "runs"), "utf8")).split("\n").filter(Boolean).length,
      ).toBeGreaterThan(0);
    } finally {
      await host.stop();
    }
  });
});
