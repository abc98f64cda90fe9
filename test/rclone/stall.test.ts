import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { watchStall } from "../../src/rclone/stall.js";

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function started(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: "ignore" });
  children.push(child);
  return child.pid ?? 0;
}

const onLinux = process.platform === "linux";

describe("watchStall", () => {
  it("calls onStall once a process shows no sign of life for the limit", async () => {
    const pid = started("sleep", ["30"]);
    const began = performance.now();
    const stalledAfter = await new Promise<number>((resolve) => {
      watchStall({ pid, limitMs: 800, everyMs: 100, onStall: () => resolve(performance.now() - began) });
    });
    expect(stalledAfter).toBeGreaterThanOrEqual(800);
  });

  it.runIf(onLinux)("keeps a process alive while it does I/O", async () => {
    // `cat /dev/zero > /dev/null` reads and writes all the time: never stalled.
    const pid = started("sh", ["-c", "exec cat /dev/zero > /dev/null"]);
    let stalled = false;
    const watch = watchStall({ pid, limitMs: 800, everyMs: 100, onStall: () => (stalled = true) });
    await new Promise((r) => setTimeout(r, 2_000));
    watch.stop();
    expect(stalled).toBe(false);
  });

  it("keeps a process alive while its transfer counters move, not while only its output does", async () => {
    const pid = started("sleep", ["30"]);
    let stalled = false;
    const watch = watchStall({ pid, limitMs: 800, everyMs: 100, onStall: () => (stalled = true) });
    for (let i = 1; i <= 15; i++) {
      watch.stats({ bytes: i * 100 });
      watch.output(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stalled).toBe(false);
    // The same counters, printed again and again: no progress.
    for (let i = 0; i < 15; i++) {
      watch.stats({ bytes: 1500 });
      watch.output(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stalled).toBe(true);
  });
});
