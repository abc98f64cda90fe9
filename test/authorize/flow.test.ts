/**
 * `workspace-sync authorize` end to end with the real rclone: rclone serves its callback on
 * 127.0.0.1:53682 and prints the link, the "browser" (this test) follows it through a stand-in OAuth
 * server, rclone prints the token, the CLI stores it in the project's rclone.conf. Also the paste path,
 * OneDrive's drive lookup, and that no token reaches the output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authorize } from "../../src/authorize/flow.js";
import { callbackPort } from "../../src/authorize/run.js";
import { parseConfig } from "../../src/config/load.js";
import { readRcloneConfig } from "../../src/rclone/config-file.js";
import { type FakeOAuth, startFakeOAuth } from "../support/oauth.js";
import { lockPort } from "../support/port-lock.js";
import { cliPath, createSandbox, type Sandbox, testEnv } from "../support/sandbox.js";

let oauth: FakeOAuth;
let box: Sandbox;
let releasePort: () => Promise<void>;
beforeAll(async () => {
  // rclone authorize's fixed port: shared with test/faults/authorize-interrupt, which may run in parallel.
  releasePort = await lockPort(callbackPort);
  oauth = await startFakeOAuth();
});
afterAll(async () => {
  await oauth.close();
  await releasePort();
});
beforeEach(async () => {
  box = await createSandbox({ provider: "dropbox" });
});
afterEach(async () => {
  // A test that failed half-way leaves its CLI (and so rclone authorize, on the shared port) running:
  // stop it the way a person would, so the next test and test/faults/authorize-interrupt find the port free.
  await Promise.all(running.splice(0).map(stopChild));
  await box.cleanup();
});

const running: ChildProcess[] = [];
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once("close", resolve));
  child.kill("SIGTERM");
  await closed;
}

function runCli(argv: string[], env: Record<string, string>, stdin?: string) {
  const child = spawn(process.execPath, [cliPath, ...argv, ...box.args], {
    env: testEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  if (stdin !== undefined) Readable.from([stdin]).pipe(child.stdin);
  else child.stdin.end();
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, output: () => stdout };
}

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting");
}

describe.sequential("authorize", () => {
  it("dropbox through the browser: shows the link and the ssh tunnel, stores the token, prints no secret", async () => {
    const run = runCli(["authorize"], oauth.env("dropbox"));
    // The instructions are several writes: wait for the last of them before reading the link and tunnel.
    await waitFor(() => run.output().includes("2. Sign in and allow access."));
    const link = /Open this link in a browser: (\S+)/.exec(run.output())?.[1] ?? "";
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:53682\/auth\?state=/);
    expect(run.output()).toMatch(/ssh -L 53682:localhost:53682 \S+@\S+/);
    await oauth.visit(link);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain("dropbox authorized");
    const conf = join(box.stateDir, "rclone.conf");
    expect((await stat(conf)).mode & 0o777).toBe(0o600);
    const section = (await readRcloneConfig(conf)).cloud ?? {};
    expect(section.type).toBe("dropbox");
    expect(JSON.parse(section.token ?? "{}")).toMatchObject({
      access_token: oauth.accessToken,
      refresh_token: oauth.refreshToken,
    });
    for (const secret of [oauth.accessToken, oauth.refreshToken]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  }, 60_000);

  it("with nobody at the browser it gives up after --timeout: one line, exit 1, no stack, rclone gone", async () => {
    const run = runCli(["authorize", "--timeout", "10"], oauth.env("dropbox"));
    const result = await run.done;
    expect(result.stdout).toMatch(/Open this link in a browser: http:\/\/127\.0\.0\.1:53682\/auth/);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("authorize: no answer from the browser within 10 s: run authorize again");
    // Before the fix, the same failure also escaped as an unhandled rejection, with a stack trace.
    expect(result.stderr).not.toMatch(/TokenError|\n\s+at /);
    // rclone's callback port is free again: no rclone authorize outlived the command.
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject).listen(53682, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  }, 60_000);

  it("a pasted token (stdin) is checked and stored; junk is refused without being echoed", async () => {
    await writeFile(box.configPath, JSON.stringify({ mode: "mailbox", provider: "gdrive" }));
    const token = JSON.stringify({
      access_token: "ya29.PASTED-planted",
      token_type: "Bearer",
      refresh_token: "1//PASTED-refresh-planted",
      expiry: "2030-01-01T00:00:00Z",
    });
    const good = await runCli(["authorize", "--token", "-"], {}, `${token}\n`).done;
    expect(good.code, good.stderr).toBe(0);
    const section = (await readRcloneConfig(join(box.stateDir, "rclone.conf"))).cloud ?? {};
    expect(section).toMatchObject({ type: "drive", token });
    expect(good.stdout + good.stderr).not.toContain("PASTED");

    const bad = await runCli(["authorize", "--token", "my-password-planted"], {}).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("not a token");
    expect(bad.stderr).not.toContain("my-password-planted");
    const wrong = await runCli(["authorize", "--provider", "onedrive", "--token", token], {}).done;
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('uses `provider` "gdrive", not "onedrive"');
  }, 60_000);

  it("onedrive: the browser flow through the module, then the drive is looked up and stored", async () => {
    const { sync } = parseConfig({ mode: "mailbox", provider: "onedrive" }, "test");
    const lines: string[] = [];
    const outcome = await authorize({
      config: sync,
      stateDir: box.stateDir,
      binary: "rclone",
      env: { ...testEnv(), ...oauth.env("onedrive") },
      io: {
        line: (text) => {
          lines.push(text);
          // The link arrives here; visit it as a browser would.
          const link = /Open this link in a browser: (\S+)/.exec(text)?.[1];
          if (link) void oauth.visit(link);
        },
        warn: (text) => lines.push(`warn: ${text}`),
      },
      graphUrl: oauth.url,
      timeoutMs: 60_000,
    });
    expect(outcome).toMatchObject({ provider: "onedrive", via: "browser", remoteName: "cloud" });
    const section = (await readRcloneConfig(join(box.stateDir, "rclone.conf"))).cloud ?? {};
    expect(section).toMatchObject({ type: "onedrive", drive_id: "b!drive-123", drive_type: "personal" });
    expect(lines.join("\n")).not.toContain(oauth.accessToken);
  }, 60_000);
});
