/**
 * Failures reach the user, in the real gateway: an SFTP remote that stops answering fails three syncs in
 * a row before anyone has chatted (so OpenClaw has no stored session yet); OpenClaw's `health` then lists
 * the plugin's service failure, and the agent's first turn (a real turn, on the scripted model) carries
 * the alert, once. The server comes back: one success clears the health failure and the next turn hears
 * of the recovery, once. With `notifyOnInbox: "nextTurn"`, files a drain brings are listed in the turn
 * after, and no turn is started for them.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { SendResult } from "../../src/ipc/protocol.js";
import { eventually } from "../daemon/helpers.js";
import { type ModelServer, scriptedModelConfig, startModelServer } from "../support/model-server.js";
import { testEnv } from "../support/sandbox.js";
import { startSftpServer, type TestRemote } from "../support/servers.js";
import { type Gateway, installPlugin, keepGatewayLog, runGateway } from "./harness.js";
import { installed } from "./openclaw.js";

/** How often `text` occurs in a model request (the prompt, the context, the history). */
const count = (request: string, text: string) => request.split(text).length - 1;

const run = promisify(execFile);

/** Upload a file into the remote's `openclaw-share` folder through the test server. */
async function rcloneCopyTo(remote: TestRemote, file: string, to: string): Promise<void> {
  await run("rclone", ["copyto", file, `${remote.root()}/${to}`, "--config", remote.rcloneConfig], {
    env: testEnv(),
  });
}

const serviceErrors = (health: unknown) =>
  JSON.stringify(health).match(/service workspace-sync: [^"]*/g) ?? [];

describe("failures reach the user in the real OpenClaw gateway", () => {
  let root: string;
  let stateDir: string;
  let ourState: string;
  let model: ModelServer;
  let sftp: TestRemote | null = null;
  let gateway: Gateway | null = null;

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-alert-"));
    stateDir = join(root, "oc");
    ourState = join(stateDir, "workspace-sync");
    await mkdir(join(stateDir, "workspace", "shared"), { recursive: true });
    await writeFile(join(stateDir, "workspace", "shared", "notes.md"), "# notes\n");
    model = await startModelServer();
  });

  afterAll(async () => {
    if (gateway) await keepGatewayLog(gateway, "alerts");
    gateway?.stop();
    await sftp?.stop();
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

  it("three failed syncs: health and the next turn told once; recovery told once; arrivals listed", async () => {
    const started = Date.now();
    const cloud = join(root, "sftp");
    sftp = await startSftpServer(cloud);
    // cast: startSftpServer's config is { provider: "custom", custom: { rcloneType, rcloneOptions } }
    const port = Number((sftp.config.custom as { rcloneOptions: { port: string } }).rcloneOptions.port);
    await installPlugin(
      stateDir,
      {
        mode: "mailbox",
        ...sftp.config,
        // No watcher: its start-up cycle would be a failure of its own before the three counted here.
        watch: false,
        timeout: 60,
        retry: { attempts: 1, delay: 0.1 },
        alertAfterFailures: 3,
        notifyOnInbox: "nextTurn",
        outboxSettleSeconds: 0,
      },
      scriptedModelConfig(model.baseUrl),
    );
    await sftp.stop(); // unreachable from here on
    sftp = null;
    gateway = await runGateway(stateDir, ourState);

    // No one has chatted: OpenClaw has no stored session to queue a note into yet.
    for (let i = 0; i < 3; i++) expect((await sync())?.result.verdict).toBe("failed");
    // `probe`: a fresh snapshot, not the gateway's cached one (kept up to 60 s).
    const health = await gateway.call("health", { probe: true });
    const failing = serviceErrors(health);
    expect(failing, JSON.stringify(health).slice(0, 2000)).toHaveLength(1);
    expect(failing[0]).toMatch(/failed 3 times in a row/);
    // Told once: the first turn carries the alert; a later one is not given it again (its history may
    // repeat the earlier turn, so it holds no more copies than that turn did).
    const alert = "workspace-sync alert";
    const first = await turn("hello");
    expect(count(first, alert), first.slice(0, 3000)).toBeGreaterThan(0);
    expect((await sync())?.result.verdict).toBe("failed"); // a fourth: the same incident
    expect(count(await turn("and now?"), alert)).toBeLessThanOrEqual(count(first, alert));

    sftp = await startSftpServer(cloud, { port });
    expect((await sync())?.result.verdict).toBe("done");
    expect(serviceErrors(await gateway.call("health", { probe: true }))).toEqual([]);
    const works = "works again";
    const recovered = await turn("how is the sync?");
    expect(count(recovered, works)).toBeGreaterThan(0);
    expect(count(await turn("thanks"), works)).toBeLessThanOrEqual(count(recovered, works));

    // notifyOnInbox "nextTurn": a drain's arrivals are listed in the next turn, and start no turn.
    // Through the server, as a peer would (rclone serve caches listings: a file written beside it stays unseen).
    await writeFile(join(root, "report.pdf"), "pdf");
    await rcloneCopyTo(sftp, join(root, "report.pdf"), "_outbox/report.pdf");
    const requests = model.requests.length;
    expect((await sync())?.result.verdict).toBe("done");
    const arrived = "1 new file arrived in the workspace _inbox: report.pdf";
    await eventually(
      () => gateway?.output().includes("workspace-sync:inbox:") || undefined,
      "the note logged",
      30_000,
    );
    expect(model.requests.length).toBe(requests); // no wake-up: nothing asked the model
    expect(count(await turn("anything new?"), arrived)).toBeGreaterThan(0);
    console.log(`alerts: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
