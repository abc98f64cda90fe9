/**
 * Next-turn notes that wait for a session, in the real gateway: a drain brings a file before anyone has
 * chatted (`notifyOnInbox: "nextTurn"`, so OpenClaw has no stored session to queue the note into); the
 * note waits, on disk. The gateway is killed (SIGKILL: no chance to save anything at the end) and started
 * again; the first turn after the restart (a real turn, on the scripted model) carries the note, and the
 * turn after holds no more copies of it than the first did (only its history repeats it).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { SendResult } from "../../src/ipc/protocol.js";
import { waitingFileName } from "../../src/plugin/waiting-notes.js";
import { eventually } from "../daemon/helpers.js";
import { type ModelServer, scriptedModelConfig, startModelServer } from "../support/model-server.js";
import { type Gateway, installPlugin, keepGatewayLog, runGateway } from "./harness.js";
import { installed, killGroup } from "./openclaw.js";

/** How often `text` occurs in a model request (the prompt, the context, the history). */
const count = (request: string, text: string) => request.split(text).length - 1;

describe("a next-turn note waiting across a gateway restart", () => {
  let root: string;
  let stateDir: string;
  let ourState: string;
  let model: ModelServer;
  let gateway: Gateway | null = null;

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-next-turn-"));
    stateDir = join(root, "oc");
    ourState = join(stateDir, "workspace-sync");
    await mkdir(join(stateDir, "workspace", "shared"), { recursive: true });
    await mkdir(join(root, "cloud", "openclaw-share", "_outbox"), { recursive: true });
    model = await startModelServer();
  });

  afterAll(async () => {
    if (gateway) await keepGatewayLog(gateway, "next-turn");
    gateway?.stop();
    await model?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** One real agent turn; resolves with the whole request the model was sent, as JSON. */
  async function turn(message: string): Promise<string> {
    const before = model.requests.length;
    await gateway?.send(message);
    await eventually(() => model.requests.length > before, `a model request for "${message}"`, 180_000);
    return JSON.stringify(model.requests.at(-1));
  }

  const sync = () =>
    callHost<SendResult>(ourState, { op: "send", event: { type: "syncRequested" }, wait: true });
  const waitingKeys = async (): Promise<string[]> => {
    const text = await readFile(join(ourState, waitingFileName), "utf8").catch(() => "");
    if (text === "") return [];
    const file: { notes: { key: string }[] } = JSON.parse(text);
    return file.notes.map((n) => n.key);
  };

  it("reaches the first turn after the restart, once", async () => {
    const started = Date.now();
    await installPlugin(
      stateDir,
      {
        mode: "mailbox",
        provider: "local",
        local: { path: join(root, "cloud") },
        watch: false,
        notifyOnInbox: "nextTurn",
        outboxSettleSeconds: 0,
      },
      scriptedModelConfig(model.baseUrl),
    );
    gateway = await runGateway(stateDir, ourState);
    await writeFile(join(root, "cloud", "openclaw-share", "_outbox", "report.pdf"), "pdf");
    expect((await sync())?.result.verdict).toBe("done");
    // No one has chatted: the note waits, and is on disk before the gateway dies.
    const keys = await eventually(async () => {
      const found = await waitingKeys();
      return found.length > 0 ? found : undefined;
    }, "the waiting note on disk");
    expect(keys).toEqual([expect.stringMatching(/^workspace-sync:inbox:/)]);
    expect(model.requests).toHaveLength(0);

    killGroup(gateway.child); // SIGKILL
    await eventually(
      () => gateway?.child.exitCode !== null || gateway.child.signalCode !== null,
      "the gateway gone",
    );
    await keepGatewayLog(gateway, "next-turn-before-restart");
    gateway = await runGateway(stateDir, ourState);
    await eventually(
      () => gateway?.output().includes("next-turn note(s) still wait for a session") || undefined,
      "the note reloaded",
      60_000,
    );

    const arrived = "1 new file arrived in the workspace _inbox: report.pdf";
    const first = await turn("hello again");
    expect(count(first, arrived), first.slice(0, 3000)).toBeGreaterThan(0);
    await eventually(async () => (await waitingKeys()).length === 0, "the note let go once queued");
    expect(count(await turn("anything else?"), arrived)).toBeLessThanOrEqual(count(first, arrived));
    console.log(`next-turn restart: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
