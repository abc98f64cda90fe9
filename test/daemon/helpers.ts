/** Shared by the host, IPC and plugin tests: waiting for a condition, reading a workspace's log, a host in-process. */
import type { ChildProcess } from "node:child_process";
import { parseConfig } from "../../src/config/load.js";
import { Host, type HostOptions } from "../../src/daemon/host.js";
import { EventLog, type LogRecord } from "../../src/log/event-log.js";
import { workspacePaths } from "../../src/paths.js";
import type { HostLogger } from "../../src/runtime/unit.js";
import { type Sandbox, testEnv } from "../support/sandbox.js";

/** Polls `check` until it returns a value other than undefined/false; generous by default (loaded CI). */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function logRecords(stateDir: string, workspace: string): Promise<LogRecord[]> {
  const log = await EventLog.open({
    dir: workspacePaths(stateDir, workspace, "shared").logDir,
    readOnly: true,
  });
  try {
    return await log.read();
  } finally {
    await log.close();
  }
}

export function quietLogger(): HostLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

/** A host for the sandbox's workspace, in this process (the CLI's `daemon` runs the same class). */
export async function startHost(
  sandbox: Sandbox,
  config: Record<string, unknown> = {},
  options: Partial<HostOptions> = {},
): Promise<Host> {
  const loaded = parseConfig(
    { mode: "mailbox", provider: "local", local: { path: sandbox.cloud }, ...config },
    "test",
  );
  return Host.start({
    stateDir: sandbox.stateDir,
    config: loaded,
    workspaces: [sandbox.workspace],
    logger: quietLogger(),
    env: testEnv(),
    ...options,
  });
}

export function syncRequests(records: readonly LogRecord[]): LogRecord[] {
  return records.filter((r) => r.event.type === "syncRequested");
}

/** The exit code of `child`, once it has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Collects a spawned `daemon`'s output and waits until it says the host is ready (fails if it exits). */
export async function untilReady(
  child: ChildProcess,
): Promise<{ child: ChildProcess; output: () => string }> {
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${output}`);
    return output.includes("host ready");
  }, "the daemon to be ready");
  return { child, output: () => output };
}
