import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/daemon/host.js";
import { callHost, HostClient, HostError, socketPathOf } from "../../src/ipc/client.js";
import type { HelloResult, SendResult, UnitState } from "../../src/ipc/protocol.js";
import type { LogRecord } from "../../src/log/event-log.js";
import type { Transition } from "../../src/runtime/unit.js";
import { eventually, startHost } from "../daemon/helpers.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";

const sandboxes: Sandbox[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

async function running(): Promise<{ sandbox: Sandbox; host: Host }> {
  const sandbox = await createSandbox();
  sandboxes.push(sandbox);
  // No watcher (`watch` is on by default): the host stays idle until a test asks, and streams only that.
  const host = await startHost(sandbox, { watch: false });
  hosts.push(host);
  return { sandbox, host };
}

/** Sends raw lines and collects the answers, for what a well-behaved client never sends. */
function raw(path: string, lines: string[], answers: number): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      const got = buffer.split("\n").filter(Boolean);
      if (got.length >= answers) {
        socket.destroy();
        resolve(got.map((l) => JSON.parse(l) as Record<string, unknown>));
      }
    });
    socket.on("error", reject);
    socket.on("connect", () => socket.write(lines.map((l) => `${l}\n`).join("")));
  });
}

describe("the host protocol (v1)", () => {
  it("hello names the units; state gives each snapshot's value and context", async () => {
    const { sandbox } = await running();
    const hello = await callHost<HelloResult>(sandbox.stateDir, { op: "hello" });
    expect(hello?.result).toMatchObject({
      protocol: 1,
      pid: process.pid,
      units: [{ kind: "workspace", label: sandbox.workspace }],
    });
    const state = await callHost<{ units: UnitState[] }>(sandbox.stateDir, { op: "state" });
    expect(state?.result.units[0]).toMatchObject({ value: "idle", context: { totals: { cycles: 0 } } });
  });

  it("refuses lines that are not requests, another protocol version, and unknown units, naming why", async () => {
    const { sandbox } = await running();
    const answers = await raw(
      socketPathOf(sandbox.stateDir),
      [
        "not json",
        JSON.stringify({ v: 2, id: "a", op: "hello" }),
        JSON.stringify({ v: 1, id: "b", op: "jump" }),
      ],
      3,
    );
    expect(answers.map((a) => (a.error as { code: string }).code)).toEqual([
      "bad-request",
      "protocol",
      "bad-request",
    ]);
    expect(answers[1]?.error).toMatchObject({ message: expect.stringContaining("protocol 1") });
    await expect(callHost(sandbox.stateDir, { op: "status", unit: "nope" })).rejects.toBeInstanceOf(
      HostError,
    );
  });

  it("streams each processed event to a subscriber and to a waiting sender, then answers with the cycle", async () => {
    const { sandbox } = await running();
    const watcher = await HostClient.connect(sandbox.stateDir);
    if (!watcher) throw new Error("no host");
    const seen: Transition[] = [];
    await watcher.call({ op: "subscribe" }, { onStream: (t) => seen.push(t) });
    const progress: string[] = [];
    const sent = await callHost<SendResult>(
      sandbox.stateDir,
      { op: "send", event: { type: "syncRequested", dryRun: false }, wait: true, progress: true },
      { onStream: (t) => progress.push(t.event.type) },
    );
    expect(sent?.result).toMatchObject({
      verdict: "done",
      state: "idle",
      cycle: { request: { sources: ["cli"] } },
    });
    expect(progress).toEqual(["syncRequested", "lockAcquired", "bootstrapDone", "pushDone", "drainDone"]);
    await eventually(() => seen.length >= 5, "the subscriber's stream");
    expect(seen.map((t) => t.event.type)).toEqual(progress);
    expect(seen.at(-1)).toMatchObject({ state: "idle", context: { totals: { cycles: 1 } } });
    watcher.close();

    const history = await callHost<{ records: LogRecord[] }>(sandbox.stateDir, { op: "history", limit: 3 });
    expect(history?.result.records.map((r) => r.event.type)).toEqual([
      "bootstrapDone",
      "pushDone",
      "drainDone",
    ]);
  });

  it("a send without wait is answered at once as queued", async () => {
    const { sandbox } = await running();
    const sent = await callHost<SendResult>(sandbox.stateDir, {
      op: "send",
      event: { type: "syncRequested" },
    });
    expect(sent?.result.verdict).toBe("queued");
  });

  it("tells subscribers the host is stopping, closes their connection and removes its socket", async () => {
    const { sandbox, host } = await running();
    const messages: Record<string, unknown>[] = [];
    const socket = connect(socketPathOf(sandbox.stateDir));
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line) messages.push(JSON.parse(line) as Record<string, unknown>);
    });
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(`${JSON.stringify({ v: 1, id: "watch", op: "subscribe" })}\n`);
    await eventually(() => messages.some((m) => m.type === "result"), "the subscription");
    await host.stop();
    await closed;
    expect(messages.at(-1)).toMatchObject({ id: "watch", type: "error", error: { code: "stopping" } });
    expect(await HostClient.connect(sandbox.stateDir)).toBeNull();
  });
});
