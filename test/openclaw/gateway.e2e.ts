/**
 * The plugin in the real OpenClaw host: installed with `openclaw plugins install --link`, its CLI run by
 * `openclaw`, its service started by `openclaw gateway run`, a real session start causing a sync cycle,
 * and a clean stop on SIGTERM. Needs `scripts/install-openclaw.sh` (run by `npm run test:openclaw`).
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost, socketPathOf } from "../../src/ipc/client.js";
import type { HelloResult } from "../../src/ipc/protocol.js";
import { eventually, logRecords } from "../daemon/helpers.js";
import { installed, killGroup, openclaw, repoRoot, startGateway } from "./openclaw.js";

const token = "workspace-sync-e2e-token";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(
      () => reject(new Error(`gateway still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("the plugin in the real OpenClaw gateway", () => {
  let root: string;
  let stateDir: string;
  let workspace: string;
  let cloud: string;
  const gateways: ChildProcess[] = [];

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-"));
    stateDir = join(root, "oc");
    workspace = join(stateDir, "workspace");
    cloud = join(root, "cloud");
    await mkdir(join(workspace, "shared"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# from the agent\n");
  });

  afterAll(async () => {
    for (const gateway of gateways) killGroup(gateway);
    await rm(root, { recursive: true, force: true });
  });

  it("installs with --link and answers `openclaw workspace-sync status --json` without a gateway", async () => {
    const install = await openclaw(stateDir, [
      "plugins",
      "install",
      "--link",
      repoRoot,
      "--force",
      "--accept-capabilities",
    ]);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    const configPath = join(stateDir, "openclaw.json");
    const config = JSON.parse(await readFile(configPath, "utf8")) as {
      plugins: { entries: Record<string, unknown> };
    };
    config.plugins.entries["openclaw-workspace-sync"] = {
      enabled: true,
      // No watcher (`watch` is on by default): the one cycle counted below is the session_start hook's.
      config: {
        mode: "mailbox",
        provider: "local",
        local: { path: cloud },
        onSessionStart: true,
        watch: false,
      },
    };
    await writeFile(configPath, JSON.stringify(config, null, 2));

    const status = await openclaw(stateDir, ["workspace-sync", "status", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      workspace,
      state: "idle",
      host: null,
      lastCycle: null,
    });
  });

  it("the gateway runs the service; a session start causes a cycle; another process sees the live state; SIGTERM stops cleanly", async () => {
    const port = await freePort();
    const gateway = startGateway(stateDir, port, token);
    gateways.push(gateway.child);
    const ourState = join(stateDir, "workspace-sync");
    const hello = await eventually(
      async () => {
        if (gateway.child.exitCode !== null) throw new Error(`gateway exited: ${gateway.output()}`);
        return (await callHost<HelloResult>(ourState, { op: "hello" }).catch(() => null))?.result;
      },
      "the plugin's service in the gateway",
      180_000,
    );
    expect(hello.units.map((u) => u.label)).toEqual([workspace]);
    expect((await stat(socketPathOf(ourState))).mode & 0o777).toBe(0o600);

    // A real agent turn: there is no model key, so the turn fails, but the session starts first.
    const turn = await openclaw(
      stateDir,
      ["agent", "--agent", "main", "--message", "hello", "--timeout", "30"],
      {
        OPENCLAW_GATEWAY_TOKEN: token,
        OPENCLAW_GATEWAY_PORT: String(port),
      },
    );
    const records = await eventually(
      async () => {
        const all = await logRecords(ourState, workspace);
        const hooked = all.findIndex((r) => r.event.type === "syncRequested" && r.event.source === "hook");
        return hooked >= 0 && all.slice(hooked).some((r) => r.event.type === "drainDone") ? all : undefined;
      },
      `a session_start cycle (agent turn exit ${turn.code}: ${turn.stderr.slice(-400)})`,
      120_000,
    );
    expect(records.filter((r) => r.event.type === "pushDone")).toHaveLength(1);
    expect(await readFile(join(cloud, "openclaw-share", "notes.md"), "utf8")).toBe("# from the agent\n");

    const status = await openclaw(stateDir, ["workspace-sync", "status", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report).toMatchObject({ state: "idle", lastCycle: { sources: ["hook"] } });
    expect(report.unit).toBe(hello.units[0]?.id); // answered by the running service, not read from disk
    expect(report.host.pid).toBe(hello.pid);

    killGroup(gateway.child, "SIGTERM");
    await exited(gateway.child, 120_000);
    const after = await logRecords(ourState, workspace);
    expect(after.at(-1)?.event.type).toBe("hostStopped");
    await expect(stat(socketPathOf(ourState))).rejects.toThrow();
    await expect(stat(join(ourState, "host.lock"))).rejects.toThrow();
  });
});
