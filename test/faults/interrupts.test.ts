/**
 * SIGINT (or SIGTERM) on a command stops every rclone it started within 5 s, even against a remote that
 * hangs (a TCP port that accepts and never answers: rclone waits in the SSH handshake), and a sync
 * mid-push to an SFTP server frozen with SIGSTOP. Each command is
 * the real CLI as its own process; the rclone processes are found by their command line, which names the
 * sandbox's state directory (the project's rclone config lives there). The time from the signal to the
 * last rclone gone is printed; the bound (5 s) is the test's.
 */
import { execFileSync, spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive, sleep } from "../../src/util/process.js";
import { cliPath, createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";
import { startSftpServer } from "../support/servers.js";
import { cliWith, configure, rcloneWrapper, seeded, seededBytes } from "./support.js";

let box: Sandbox;
let hang: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  box = await createSandbox();
  hang = createServer((socket) => {
    // Accept, read, never answer.
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
  const address = hang.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const custom = {
    rcloneType: "sftp",
    rcloneOptions: {
      host: "127.0.0.1",
      port: String(port),
      user: "wsync",
      pass: execFileSync("rclone", ["obscure", "not-used"], { encoding: "utf8" }).trim(),
      shell_type: "unix",
    },
  };
  await configure(box, {
    provider: "custom",
    custom,
    backup: {
      enabled: true,
      include: ["workspace"],
      encrypt: false,
      provider: "custom",
      custom,
      prefix: "b",
    },
  });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hang.close(resolve));
  await box.cleanup();
});

/**
 * PIDs of rclone processes whose command line names the sandbox (its config is under the state dir);
 * with `parent`, only that process's children.
 */
async function sandboxRclones(parent?: number): Promise<number[]> {
  return rclonesUnder(box.root, parent);
}

/** rclone processes naming `root` on their command line (the test's own SFTP server is not counted). */
async function rclonesUnder(root: string, parent?: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const argv = cmdline.split("\0");
    if (!/(^|\/)rclone$/.test(argv[0] ?? "") || !cmdline.includes(root) || argv[1] === "serve") continue;
    if (parent !== undefined) {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== parent) continue;
    }
    found.push(Number(entry));
  }
  return found;
}

const commands: [string, string[], NodeJS.Signals][] = [
  ["sync", ["sync"], "SIGINT"],
  ["list", ["list"], "SIGINT"],
  ["status", ["status"], "SIGINT"],
  ["backup list", ["backup", "list"], "SIGINT"],
  ["backup now", ["backup", "now"], "SIGTERM"],
  ["log", ["log"], "SIGINT"],
];

describe("an interrupted command against a hanging remote", () => {
  it.each(commands)(
    "%s: no rclone it started outlives the signal by 5 s",
    async (name, argv, signal) => {
      const child = spawn(process.execPath, [cliPath, ...argv, ...box.args], {
        env: testEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout?.on("data", () => undefined);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, sig) => resolve({ code, signal: sig })),
      );
      let done = false;
      void exited.then(() => (done = true));
      // Wait for the command's rclone (or for the command to end without one: `status`, `log`).
      const waitUntil = performance.now() + 10_000;
      let started: number[] = [];
      while (!done && performance.now() < waitUntil) {
        started = child.pid === undefined ? [] : await sandboxRclones(child.pid);
        if (started.length > 0) break;
        await sleep(100);
      }
      if (started.length === 0) {
        child.kill("SIGKILL");
        const end = await exited;
        console.log(`${name}: ran no rclone against the hanging remote (exit ${end.code ?? end.signal})`);
        expect(await sandboxRclones()).toEqual([]);
        return;
      }
      await sleep(1_000);
      child.kill(signal);
      const signalled = performance.now();
      let left = await sandboxRclones();
      while (left.length > 0 && performance.now() - signalled < 10_000) {
        await sleep(50);
        left = await sandboxRclones();
      }
      const seconds = (performance.now() - signalled) / 1000;
      const end = await Promise.race([exited, sleep(10_000).then(() => null)]);
      console.log(
        `${name}: ${signal} → no rclone left after ${seconds.toFixed(2)} s; exit ${end?.code ?? end?.signal ?? "none within 10 s"}; ${stderr.trim().split("\n").at(-1)}`,
      );
      for (const pid of left) process.kill(pid, "SIGKILL");
      if (end === null) child.kill("SIGKILL");
      expect(left, `rclone still running ${seconds.toFixed(1)} s after ${signal}`).toEqual([]);
      expect(seconds).toBeLessThanOrEqual(5);
      expect(end?.code).toBe(signal === "SIGINT" ? 130 : 143);
      expect(stderr).not.toMatch(/Actor terminated|killed by SIGTERM/);
      expect(stderr).toMatch(new RegExp(`${signal}: interrupted`));
      if (name === "sync") expect(stderr).toMatch(/interrupted; the next run resumes/);
    },
    30_000,
  );
});

describe("an interrupted sync mid-push to a frozen SFTP server", () => {
  it("leaves no rclone 5 s after SIGINT", async () => {
    const frozenBox = await createSandbox();
    const server = await startSftpServer(join(frozenBox.root, "sftp"));
    try {
      await configure(frozenBox, server.config);
      await writeFile(join(frozenBox.shared, "big.bin"), seededBytes(seeded(7), 16 * 1024 * 1024));
      // Slow enough that the push is still running when the server freezes.
      const cli = cliWith(frozenBox, await rcloneWrapper(frozenBox.root, ["--bwlimit", "2M"]));
      const child = spawn(process.execPath, cli.argv("sync"), {
        env: cli.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout?.on("data", () => undefined);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await sleep(3_000);
      if (server.pid !== undefined) process.kill(server.pid, "SIGSTOP");
      await sleep(1_000);
      const running = await rclonesUnder(frozenBox.root);
      child.kill("SIGINT");
      const signalled = performance.now();
      let left = await rclonesUnder(frozenBox.root);
      while (left.length > 0 && performance.now() - signalled < 10_000) {
        await sleep(50);
        left = await rclonesUnder(frozenBox.root);
      }
      const seconds = (performance.now() - signalled) / 1000;
      const code = await Promise.race([exited, sleep(10_000).then(() => "none within 10 s")]);
      console.log(
        `frozen SFTP sync (${running.length} rclone running): SIGINT → no rclone left after ${seconds.toFixed(2)} s; exit ${code}; ${stderr.trim().split("\n").at(-1)}`,
      );
      for (const pid of left) process.kill(pid, "SIGKILL");
      expect(running.length).toBeGreaterThan(0);
      expect(left).toEqual([]);
      expect(seconds).toBeLessThanOrEqual(5);
      expect(code).toBe(130);
      expect(stderr).toMatch(/interrupted; the next run resumes/);
      expect(stderr).not.toMatch(/Actor terminated/);
    } finally {
      if (server.pid !== undefined && isAlive(server.pid)) process.kill(server.pid, "SIGCONT");
      await server.stop();
      await frozenBox.cleanup();
    }
  }, 40_000);
});
