/**
 * The daemon's log after a failed step says what follows: when the retry runs (which attempt, the time, how
 * soon), and once the attempts are used up, that none will. The real CLI's daemon, a closed port on 127.0.0.1
 * through a real S3 remote.
 */
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { freePort } from "../support/servers.js";

let box: Sandbox;
let daemon: ChildProcess | null = null;
let said = "";

/** Resolves when the daemon's stderr holds `pattern`; rejects if it exits first. */
function waitFor(pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(said)) {
        daemon?.stderr?.off("data", check);
        daemon?.off("exit", exited);
        resolve();
      }
    };
    const exited = () => reject(new Error(`the daemon exited before printing ${pattern}:\n${said}`));
    daemon?.stderr?.on("data", check);
    daemon?.once("exit", exited);
    check();
  });
}

beforeAll(async () => {
  box = await createSandbox();
  const port = await freePort();
  await writeFile(
    box.configPath,
    JSON.stringify({
      mode: "mailbox",
      provider: "s3",
      s3: {
        endpoint: `http://127.0.0.1:${port}`,
        bucket: "wsync-test",
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "not-a-real-secret",
        provider: "Other",
      },
      retry: { attempts: 2, delay: 1 },
    }),
  );
  daemon = box.spawnCli("daemon");
  daemon.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    said += chunk;
  });
  await waitFor(/host ready/);
});
afterAll(async () => {
  if (daemon !== null && daemon.exitCode === null) {
    const exited = new Promise((resolve) => daemon?.once("exit", resolve));
    daemon.kill("SIGTERM");
    await exited;
  }
  await box.cleanup();
});

describe("the daemon's log after a failure", () => {
  it("says when the retry runs, and that none runs once the attempts are used", async () => {
    const result = await box.cli("sync");
    expect(result.code).toBe(1);
    await waitFor(/not retried/);
    const lines = said.split("\n").filter((line) => /Failed \(/.test(line));
    expect(lines).toHaveLength(2);
    // The first failure: the retry's attempt, its local time with the zone, how soon.
    expect(lines[0]).toContain("connection refused");
    expect(lines[0]).toMatch(
      /→ recovering; retry 2 of 2 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d (UTC|[+-]\d\d:\d\d) \((in \d+ s|now)\)$/,
    );
    // The last one: no retry promised.
    expect(lines[1]).toMatch(
      /→ failed; not retried \(every attempt is used\); the next sync request runs it again$/,
    );
    expect(lines[1]).not.toMatch(/retry \d/);
  });
});
