/**
 * The agent tools in the real OpenClaw gateway: a scripted model (test/support/model-server.ts, an
 * OpenAI-compatible endpoint configured as a custom provider) calls each tool in one agent turn; the test
 * checks each tool's effect on disk and in the event log, and the tool results the model received (bad
 * input gets a clear tool error and moves nothing).
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { HelloResult } from "../../src/ipc/protocol.js";
import { eventually, logRecords } from "../daemon/helpers.js";
import { type ModelServer, startModelServer, type ToolStep } from "../support/model-server.js";
import { freePort, installed, installPlugin, killGroup, openclaw, startGateway } from "./openclaw.js";

const token = "workspace-sync-tools-token";

const steps: ToolStep[] = [
  { tool: "workspace_sync_status", args: {} },
  { tool: "workspace_sync_now", args: { waitSeconds: 120 } },
  { tool: "workspace_inbox", args: { action: "list" } },
  { tool: "workspace_inbox", args: { action: "peek", name: "report.txt" } },
  { tool: "workspace_inbox", args: { action: "move", name: "report.txt", to: "docs" } },
  { tool: "workspace_inbox", args: { action: "move", name: "../../openclaw.json", to: "docs" } },
  {
    tool: "workspace_inbox",
    args: { action: "move", name: "second.txt", to: "docs", newName: "report.txt" },
  },
  { tool: "workspace_inbox", args: { action: "move", name: "second.txt", to: "escape" } },
  { tool: "workspace_backup", args: { action: "list" } },
  {
    tool: "workspace_backup",
    args: { action: "restore", snapshot: "latest", path: "workspace/shared/notes.md" },
  },
  {
    tool: "workspace_backup",
    args: { action: "restore", snapshot: "19990101T000000Z-dead", path: "workspace" },
  },
  { tool: "workspace_sync_status", args: {} },
];

describe("the agent tools in the real OpenClaw gateway", () => {
  let root: string;
  let stateDir: string;
  let workspace: string;
  let cloud: string;
  let model: ModelServer;
  const gateways: ChildProcess[] = [];

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "oct-"));
    stateDir = join(root, "oc");
    workspace = join(stateDir, "workspace");
    cloud = join(root, "cloud");
    await mkdir(join(workspace, "shared"), { recursive: true });
    await mkdir(join(workspace, "docs"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# from the agent\n");
    await mkdir(join(cloud, "openclaw-share", "_outbox"), { recursive: true });
    await writeFile(join(cloud, "openclaw-share", "_outbox", "report.txt"), "quarterly report\n");
    await writeFile(join(cloud, "openclaw-share", "_outbox", "second.txt"), "second\n");
    model = await startModelServer(steps);
  });

  afterAll(async () => {
    for (const gateway of gateways) killGroup(gateway);
    await model?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("the model calls each tool in one turn; each has its effect; bad input gets a clear error, nothing moved", async () => {
    await installPlugin(stateDir, join(root, "plugin"));
    const configPath = join(stateDir, "openclaw.json");
    const config = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown> & {
      plugins: { entries: Record<string, unknown> };
    };
    config.plugins.entries["openclaw-workspace-sync"] = {
      enabled: true,
      config: {
        mode: "mailbox",
        provider: "local",
        local: { path: cloud },
        interval: 0,
        outboxSettleSeconds: 0,
        backup: { enabled: true, encrypt: false, interval: 0 },
      },
    };
    config.models = {
      mode: "merge",
      providers: {
        scripted: {
          baseUrl: model.baseUrl,
          apiKey: "scripted-key",
          api: "openai-completions",
          models: [
            {
              id: "tool-caller",
              name: "Scripted tool caller",
              reasoning: false,
              input: ["text"],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128000,
              maxTokens: 4096,
            },
          ],
        },
      },
    };
    config.agents = { defaults: { model: { primary: "scripted/tool-caller" } } };
    // workspace_backup is optional: the user opts in.
    config.tools = { alsoAllow: ["workspace_backup"] };
    await writeFile(configPath, JSON.stringify(config, null, 2));
    // A symlink out of the workspace, for the escape the agent must not take.
    await import("node:fs/promises").then((fs) => fs.symlink(root, join(workspace, "escape")));

    const port = await freePort();
    const gateway = startGateway(stateDir, port, token);
    gateways.push(gateway.child);
    const ourState = join(stateDir, "workspace-sync");
    await eventually(
      async () => {
        if (gateway.child.exitCode !== null) throw new Error(`gateway exited: ${gateway.output()}`);
        return (await callHost<HelloResult>(ourState, { op: "hello" }).catch(() => null))?.result;
      },
      "the plugin's service in the gateway",
      180_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${gateway.output().slice(-4000)}`);
    });
    // One snapshot to restore from, made by the running host's backup unit.
    const backup = await callHost<{ verdict: string }>(ourState, {
      op: "send",
      unit: "backup",
      event: { type: "backupRequested", source: "cli" },
      wait: true,
    });
    expect(backup?.result.verdict).toBe("done");

    const turn = await openclaw(
      stateDir,
      ["agent", "--agent", "main", "--message", "check the cloud sync", "--timeout", "300", "--json"],
      { OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_GATEWAY_PORT: String(port) },
    );
    const offered = new Set((model.requests.find((r) => r.tools)?.tools ?? []).map((t) => t.function.name));
    const results = model.exchanges.map((e) => `${e.tool} ${JSON.stringify(e.args)} → ${e.result}`);
    const context = `turn exit ${turn.code}: ${turn.stderr.slice(-1500)}\noffered: ${[...offered].join(", ")}\n${results.join("\n")}\n${gateway.output().slice(-3000)}`;
    expect(
      model.exchanges.map((e) => e.result !== null),
      context,
    ).toEqual(steps.map(() => true));
    for (const name of ["workspace_sync_status", "workspace_sync_now", "workspace_inbox", "workspace_backup"])
      expect(offered.has(name), context).toBe(true);

    const [status, now, list, peek, move, climbing, taken, symlinked, snapshots, restore, unknown, after] =
      model.exchanges.map((e) => e.result ?? "");
    expect(status).toContain('"state": "idle"');
    expect(status).toContain("no cycle yet");
    // sync_now: a tool-sourced cycle in the event log, the notes pushed, both arrivals drained.
    expect(now).toContain('"verdict": "done"');
    const records = await logRecords(ourState, workspace);
    expect(records.some((r) => r.event.type === "syncRequested" && r.event.source === "tool")).toBe(true);
    expect(await readFile(join(cloud, "openclaw-share", "notes.md"), "utf8")).toBe("# from the agent\n");
    expect(list).toContain('"name": "report.txt"');
    expect(list).toContain('"name": "second.txt"');
    expect(peek).toContain("quarterly report");
    // The move: out of _inbox, into docs/.
    expect(move).toContain('"to": "docs/report.txt"');
    expect(await readFile(join(workspace, "docs", "report.txt"), "utf8")).toBe("quarterly report\n");
    // Refusals: each a clear tool error; second.txt never moved.
    expect(climbing).toMatch(/`name` must be a relative path inside the workspace, without `\.\.`/);
    expect(taken).toMatch(/docs\/report.txt exists already; nothing was moved/);
    expect(symlinked).toMatch(/`to` leads out of .* through a symlink; nothing was moved/);
    expect(await readdir(join(workspace, "shared", "_inbox"))).toEqual(["second.txt"]);
    expect(await readFile(join(workspace, "docs", "report.txt"), "utf8")).toBe("quarterly report\n");
    expect(await readdir(root)).not.toContain("second.txt");
    // Backups: listed, one path restored into the staging folder, an unknown snapshot refused.
    const id = /"id": "(\d{8}T\d{6}Z-[0-9a-f]{4})"/.exec(snapshots ?? "")?.[1];
    expect(id, snapshots).toBeDefined();
    expect(restore).toContain(`_restored/${id}/workspace/shared/notes.md`);
    expect(
      await readFile(join(workspace, "_restored", String(id), "workspace", "shared", "notes.md"), "utf8"),
    ).toBe("# from the agent\n");
    expect(unknown).toMatch(/`snapshot`: .*nothing was restored/);
    expect(after).toContain('"sources": [\n      "tool"\n    ]');
    const statusTimes = model.exchanges
      .filter((e) => e.tool === "workspace_sync_status")
      .map((e) => e.roundTripMs);
    process.stderr.write(`workspace_sync_status round trip through OpenClaw: ${statusTimes.join(", ")} ms\n`);
  });
});
