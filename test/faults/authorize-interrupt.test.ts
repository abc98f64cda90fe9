/**
 * Ctrl-C (or SIGTERM) during `authorize` leaves nothing running: `rclone authorize` (its own process
 * group, listening on 127.0.0.1:53682 for the browser) is gone within 5 s and the port is free again.
 * The real CLI and the real rclone; the OAuth endpoints point at a stand-in server that is never visited.
 */
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackPort } from "../../src/authorize/run.js";
import { isAlive, sleep } from "../../src/util/process.js";
import { type FakeOAuth, startFakeOAuth } from "../support/oauth.js";
import { lockPort } from "../support/port-lock.js";
import { cliPath, createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";

let oauth: FakeOAuth;
let box: Sandbox;
let releasePort: () => Promise<void>;
beforeAll(async () => {
  // rclone authorize's fixed port: shared with test/authorize/flow, which may run in parallel.
  releasePort = await lockPort(callbackPort);
  oauth = await startFakeOAuth();
  box = await createSandbox({ provider: "dropbox" });
});
afterAll(async () => {
  await oauth.close();
  await box.cleanup();
  await releasePort();
});

/** PIDs of the rclone processes whose parent is `parent`. */
async function rcloneChildren(parent: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (name === "rclone" && ppid === parent) found.push(Number(entry));
  }
  return found;
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Whether this process can listen on 127.0.0.1:`port` (then closes it again). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe.sequential("an interrupted authorize", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s: rclone authorize is gone and port 53682 is free within 5 s",
    async (signal) => {
      expect(await bindable(callbackPort), `port ${callbackPort} is taken before the test`).toBe(true);
      const child = spawn(process.execPath, [cliPath, "authorize", ...box.args], {
        env: testEnv(oauth.env("dropbox")),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const pid = child.pid ?? 0;
      let rclones: number[] = [];
      const until = performance.now() + 20_000;
      while (performance.now() < until) {
        rclones = await rcloneChildren(pid);
        if (rclones.length > 0 && /Open this link/.test(stdout) && (await listening(callbackPort))) break;
        await sleep(100);
      }
      expect(rclones.length, stdout + stderr).toBe(1);
      expect(await listening(callbackPort)).toBe(true);
      child.kill(signal);
      const signalled = performance.now();
      while (rclones.some(isAlive) && performance.now() - signalled < 10_000) await sleep(50);
      const seconds = (performance.now() - signalled) / 1000;
      const left = rclones.filter(isAlive);
      const code = await Promise.race([exited, sleep(10_000).then(() => "none within 10 s")]);
      console.log(
        `authorize: ${signal} → rclone ${rclones.join(",")} gone after ${seconds.toFixed(2)} s; exit ${code}; ${stderr.trim()}`,
      );
      for (const rclone of left) process.kill(rclone, "SIGKILL");
      expect(left).toEqual([]);
      expect(seconds).toBeLessThanOrEqual(5);
      expect(await bindable(callbackPort)).toBe(true);
      expect(code).toBe(signal === "SIGINT" ? 130 : 143);
      expect(stderr).toMatch(new RegExp(`${signal}: interrupted`));
      expect(stderr).not.toMatch(/authorize was stopped|rclone authorize failed/);
    },
    40_000,
  );
});
