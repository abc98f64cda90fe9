/**
 * What the CLI prints, through the real CLI and rclone on a `local` remote: one time format for people (local
 * time with its zone), ISO 8601 in `--json` (never epoch numbers), the arrow of the mode's direction, and one
 * `next run` line in `status`, with a daemon running too.
 */
import type { ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CliResult,
  cliPath,
  createSandbox,
  runCaptured,
  type Sandbox,
  testEnv,
} from "../support/sandbox.js";

let box: Sandbox | null = null;
let daemon: ChildProcess | null = null;
afterEach(async () => {
  if (daemon !== null && daemon.exitCode === null) {
    const exited = new Promise((resolve) => daemon?.once("exit", resolve));
    daemon.kill("SIGTERM");
    await exited;
  }
  daemon = null;
  await box?.cleanup();
  box = null;
});

/** The CLI with `TZ` set, as a person in that zone runs it. */
function cliIn(sandbox: Sandbox, tz: string, ...argv: string[]): Promise<CliResult> {
  return runCaptured(process.execPath, [cliPath, ...argv, ...sandbox.args], testEnv({ TZ: tz }));
}

const localStamp = (zone: string) =>
  new RegExp(`\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${zone.replace("+", "\\+")}`);
/** An epoch-millisecond number anywhere in a text. */
const epoch = /(?<![\d.])1\d{12}(?![\d.])/;

describe("times", () => {
  it("are local time with the zone for people, and ISO 8601 in --json", async () => {
    box = await createSandbox();
    await writeFile(join(box.shared, "a.txt"), "a");
    const synced = await box.cli("sync", "--json");
    expect(synced.code).toBe(0);
    expect(synced.stdout).not.toMatch(epoch);
    expect(JSON.parse(synced.stdout).cycle.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const status = await cliIn(box, "Asia/Kolkata", "status");
    expect(status.stdout).toMatch(new RegExp(`last sync  ${localStamp("+05:30").source}`));
    const list = await cliIn(box, "Asia/Kolkata", "list", "--long");
    expect(list.stdout).toMatch(new RegExp(`${localStamp("+05:30").source}  a\\.txt`));
    const log = await cliIn(box, "Asia/Kolkata", "log");
    expect(log.stdout.split("\n")[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+05:30 /);
    expect((await cliIn(box, "UTC", "status")).stdout).toMatch(
      new RegExp(`last sync  ${localStamp("UTC").source}`),
    );

    for (const argv of [
      ["log", "--json"],
      ["status", "--json"],
      ["list", "--json"],
    ]) {
      const printed = await box.cli(...argv);
      expect(printed.code, argv.join(" ")).toBe(0);
      expect(printed.stdout, argv.join(" ")).not.toMatch(epoch);
    }
  });
});

describe("errors", () => {
  it("an unknown command, piped, carries no ANSI", async () => {
    const env = testEnv();
    delete env.NO_COLOR;
    const result = await runCaptured(process.execPath, [cliPath, "bogus"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown command bogus (see workspace-sync --help)");
    expect(result.stderr).not.toContain("\u001b[");
  });
});

describe("arrows", () => {
  it.each([
    ["mailbox", "->"],
    ["mirror", "<-"],
    ["bisync", "<->"],
  ])("%s shows %s between the synced folder and the remote", async (mode, arrow) => {
    box = await createSandbox({ mode });
    const status = await box.cli("status", "--offline");
    expect(status.stdout).toContain(`${box.shared}  ${arrow}  cloud:openclaw-share  (${mode}, local)`);
  });
});

describe("status's next run", () => {
  it("is one line, with a daemon and its interval timer running too", async () => {
    box = await createSandbox({ interval: 60 });
    await writeFile(join(box.shared, "a.txt"), "a");
    expect((await box.cli("sync")).code).toBe(0);
    const nextLines = (text: string) => text.split("\n").filter((line) => /^next/.test(line));
    const offline = await box.cli("status");
    expect(nextLines(offline.stdout)).toHaveLength(1);

    const running = box.spawnCli("daemon");
    daemon = running;
    let said = "";
    await new Promise<void>((resolve, reject) => {
      running.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        said += chunk;
        if (said.includes("host ready")) resolve();
      });
      running.once("exit", () => reject(new Error(`the daemon exited:\n${said}`)));
    });
    const live = await box.cli("status");
    expect(live.stdout).toContain("host       running");
    expect(nextLines(live.stdout)).toEqual([
      expect.stringMatching(
        /^next run {3}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \(the running host's interval timer\)$/,
      ),
    ]);
    expect(JSON.parse(await readFile(box.configPath, "utf8")).interval).toBe(60);

    // The daemon's log says what a dry run would do, and what a real one did.
    await writeFile(join(box.shared, "b.txt"), "bb");
    // The daemon's stderr reaches this process on its own schedule: wait for the line, then read it.
    const heard = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!pattern.test(said)) return;
          running.stderr?.off("data", check);
          resolve();
        };
        running.stderr?.on("data", check);
        check();
      });
    expect((await box.cli("sync", "--dry-run")).code).toBe(0);
    await heard(/drainDone \(0 would arrive\) → idle/);
    expect(said).toMatch(/pushDone \(1 would transfer \(2 B\)\) → running\.draining/);
    expect((await box.cli("sync")).code).toBe(0);
    await heard(/pushDone \(1 transferred \(2 B\)\) → running\.draining/);
  });
});
