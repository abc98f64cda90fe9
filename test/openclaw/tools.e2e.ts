/**
 * The agent tools in the real OpenClaw gateway, called by a model turn: the scripted model server
 * (test/support/model-server.ts) is the agent's model and answers one chat message with a fixed list of
 * tool calls, one per request, then a text. OpenClaw runs each tool in the gateway and sends its result
 * back in the next request, which the test reads. It checks that the four tools reach the model as
 * direct tools (registered `direct-only`, not only behind OpenClaw's tool search), each tool's effect (a
 * tool-sourced cycle in the event log, a file moved out of `_inbox`, a file restored into `_restored/`),
 * and that bad input (a path escape, a taken name, an unknown snapshot) is a clear tool error and
 * nothing moves.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import { eventually, logRecords } from "../daemon/helpers.js";
import {
  type ModelServer,
  type ScriptedToolCall,
  scriptedModelConfig,
  startModelServer,
} from "../support/model-server.js";
import { type Gateway, installPlugin, runGateway } from "./harness.js";
import { installed } from "./openclaw.js";

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null;
const listOf = (value: unknown, key: string): unknown[] => {
  const found = isJson(value) ? value[key] : undefined;
  return Array.isArray(found) ? found : [];
};

/** The tool calls the model makes, in order, one per request. */
const steps: Omit<ScriptedToolCall, "id">[] = [
  { name: "workspace_sync_status", arguments: {} },
  { name: "workspace_sync_now", arguments: { waitSeconds: 120 } },
  { name: "workspace_inbox", arguments: { action: "list" } },
  { name: "workspace_inbox", arguments: { action: "peek", name: "letter.txt", bytes: 4 } },
  { name: "workspace_inbox", arguments: { action: "move", name: "../notes.md", to: "docs" } },
  { name: "workspace_inbox", arguments: { action: "move", name: "letter.txt", to: "docs" } },
  {
    name: "workspace_inbox",
    arguments: { action: "move", name: "letter.txt", to: "docs", newName: "letter-2.txt" },
  },
  { name: "workspace_backup", arguments: { action: "list" } },
  {
    name: "workspace_backup",
    arguments: { action: "restore", snapshot: "20990101T000000Z-nope", path: "workspace/shared/notes.md" },
  },
  {
    name: "workspace_backup",
    arguments: { action: "restore", snapshot: "latest", path: "workspace/shared/notes.md" },
  },
  {
    name: "workspace_backup",
    arguments: { action: "restore", snapshot: "latest", path: "workspace/shared/notes.md" },
  },
  { name: "workspace_sync_status", arguments: {} },
];
// Plain letters and digits: OpenClaw rewrites other tool call ids (`call_ws_1` reached the model as `callws1`).
const callId = (index: number) => `wscall${index + 1}`;
const finalText = "all workspace tools called";

/** The tool messages of a request (OpenAI chat format: role "tool"). */
function toolMessages(request: unknown): { id: string; text: string }[] {
  return listOf(request, "messages")
    .filter((m): m is Json => isJson(m) && m.role === "tool")
    .map((m) => ({
      id: typeof m.tool_call_id === "string" ? m.tool_call_id : "",
      text: typeof m.content === "string" ? m.content : JSON.stringify(m.content),
    }));
}

/** The next scripted call: as many steps are done as the request carries tool results. */
function script(request: unknown) {
  if (listOf(request, "tools").length === 0) return { text: "no tools offered" };
  const done = toolMessages(request).length;
  const step = steps[done];
  if (step === undefined) return { text: finalText };
  return { toolCalls: [{ id: callId(done), ...step }] };
}

describe("the agent tools called by a model turn in the real OpenClaw gateway", () => {
  let root: string;
  let stateDir: string;
  let ourState: string;
  let workspace: string;
  let cloud: string;
  let model: ModelServer;
  let gateway: Gateway | null = null;
  const report = (line: string) => console.log(`[tools.e2e] ${line}`);

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-tools-"));
    stateDir = join(root, "oc");
    ourState = join(stateDir, "workspace-sync");
    workspace = join(stateDir, "workspace");
    cloud = join(root, "cloud");
    await mkdir(join(workspace, "shared"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# from the agent\n");
    await mkdir(join(workspace, "docs"), { recursive: true });
    await writeFile(join(workspace, "docs", "letter.txt"), "mine\n");
    await mkdir(join(cloud, "openclaw-share", "_outbox"), { recursive: true });
    await writeFile(join(cloud, "openclaw-share", "_outbox", "letter.txt"), "Dear agent, hello.\n");
    model = await startModelServer("unused", script);
  });

  afterAll(async () => {
    gateway?.stop();
    await model?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("the model sees the four tools directly and calls each; effects and tool results as expected", async () => {
    const started = Date.now();
    await installPlugin(
      stateDir,
      {
        mode: "mailbox",
        provider: "local",
        local: { path: cloud },
        outboxSettleSeconds: 0,
        backup: { enabled: true, passphrase: "agent-tools-e2e" },
      },
      { ...scriptedModelConfig(model.baseUrl), tools: { alsoAllow: ["workspace_backup"] } },
    );
    gateway = await runGateway(stateDir, ourState);
    report(`gateway up after ${Math.round((Date.now() - started) / 1000)} s`);

    // A snapshot to restore from, asked of the running host as `backup now` asks it.
    const backedUp = await callHost<{ verdict: string }>(ourState, {
      op: "send",
      unit: "backup",
      event: { type: "backupRequested", source: "cli" },
      wait: true,
    });
    expect(backedUp?.result.verdict).toBe("done");

    // One chat message; the model's turn is the script. chat.history is not polled: the tool calls are
    // assistant messages of their own, and each `openclaw gateway call` costs seconds.
    await gateway.send("please check the workspace sync");
    const dump = process.env.WORKSPACE_SYNC_E2E_DUMP;
    const served = await eventually(
      () => model.requests.some((r) => toolMessages(r).length >= steps.length),
      "the model turn through every scripted tool call",
      400_000,
    ).finally(async () => {
      if (dump)
        await writeFile(
          dump,
          JSON.stringify({ requests: model.requests, gateway: gateway?.output() }, null, 1),
        );
    });
    expect(served).toBe(true);
    const session = { sessionKey: "agent:main:main", limit: 200 };
    const shown = async () =>
      JSON.stringify(await gateway?.call("chat.history", session)).includes(finalText);
    expect(await eventually(shown, "the model's last text in the chat history", 120_000)).toBe(true);
    report(`${steps.length} tool calls done after ${Math.round((Date.now() - started) / 1000)} s`);

    // Offered directly: each tool is a function of the first agent request, not only behind tool search.
    const offered = listOf(
      model.requests.find((r) => listOf(r, "tools").length > 0),
      "tools",
    ).map((t) => (isJson(t) && isJson(t.function) ? t.function.name : undefined));
    expect(offered).toEqual(
      expect.arrayContaining([
        "workspace_sync_status",
        "workspace_sync_now",
        "workspace_inbox",
        "workspace_backup",
      ]),
    );

    // What the model received for each call: the last request carries every tool result, by call id.
    const last = toolMessages(model.requests.at(-1));
    const result = (index: number) => {
      const found = last.find((m) => m.id === callId(index))?.text;
      expect(found, `the tool result of ${callId(index)} (${steps[index]?.name})`).toBeDefined();
      return found ?? "";
    };
    expect(result(0)).toMatch(/"state": "(idle|running[^"]*)"/);
    expect(result(1)).toContain('"verdict": "done"');
    expect(result(2)).toContain('"name": "letter.txt"');
    expect(result(3)).toContain('"text": "Dear"');
    expect(result(4)).toContain("`name` must be a relative path inside the workspace");
    expect(result(5)).toContain("docs/letter.txt exists already; nothing was moved");
    expect(result(6)).toContain('"to": "docs/letter-2.txt"');
    expect(result(7)).toMatch(/"id": "\d{8}T\d{6}Z-/);
    expect(result(8)).toMatch(/`snapshot`: .*nothing was restored/);
    const restoredId = /"snapshot": "(\S+)"/.exec(result(9))?.[1] ?? "";
    expect(result(9)).toContain(`"restoredTo": "_restored/${restoredId}"`);
    expect(result(10)).toContain("exists already; nothing was restored");
    expect(result(11)).toMatch(/"sources": \[\s*"tool"/);

    // The effects: a tool-sourced cycle in the log, the letter moved once, the file restored once.
    const records = await logRecords(ourState, workspace);
    expect(records.some((r) => r.event.type === "syncRequested" && r.event.source === "tool")).toBe(true);
    expect(await readdir(join(workspace, "shared", "_inbox"))).toEqual([]);
    expect(await readFile(join(workspace, "docs", "letter-2.txt"), "utf8")).toBe("Dear agent, hello.\n");
    expect(await readFile(join(workspace, "docs", "letter.txt"), "utf8")).toBe("mine\n");
    expect((await readdir(join(workspace, "docs"))).sort()).toEqual(["letter-2.txt", "letter.txt"]);
    expect(await readdir(join(workspace, "_restored"))).toEqual([restoredId]);
    expect(
      await readFile(join(workspace, "_restored", restoredId, "workspace", "shared", "notes.md"), "utf8"),
    ).toBe("# from the agent\n");

    // How long a workspace_sync_status call took, model answer to next request (OpenClaw's share included).
    const timing = model.timings;
    const statusAt = model.requests.findIndex((r) => toolMessages(r).length === steps.length);
    const gap = (timing[statusAt]?.received ?? Number.NaN) - (timing[statusAt - 1]?.answered ?? Number.NaN);
    report(
      `workspace_sync_status in the gateway: ${gap.toFixed(0)} ms from the tool call to its result reaching the model`,
    );
  });
});
