/**
 * A failure incident open across a gateway restart, in the real gateway: an SFTP remote that stops
 * answering fails three syncs before anyone has chatted, so the alert waits on disk as a next-turn note.
 * The gateway is killed (SIGKILL: nothing saved at the end) and started again. OpenClaw's `health` lists
 * the incident again (rebuilt from the event log), a fourth failure adds no second alert, and the first
 * sync once the server is back clears the health failure and tells the recovery once: the first turn
 * carries the alert and the recovery, the turn after holds no more copies of either.
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
import { startSftpServer, type TestRemote } from "../support/servers.js";
import { type Gateway, installPlugin, keepGatewayLog, runGateway } from "./harness.js";
import { installed, killGroup } from "./openclaw.js";

/** How often `text` occurs in a model request (the prompt, the context, the history). */
const count = (request: string, text: string) => request.split(text).length - 1;

const serviceErrors = (health: unknown) =>
  JSON.stringify(health).match(/service workspace-sync: [^"]*/g) ?? [];

describe("a failure incident across a gateway restart", () => {
  let root: string;
  let stateDir: string;
  let ourState: string;
  let model: ModelServer;
  let sftp: TestRemote | null = null;
  let gateway: Gateway | null = null;

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-alert-restart-"));
    stateDir = join(root, "oc");
    ourState = join(stateDir, "workspace-sync");
    await mkdir(join(stateDir, "workspace", "shared"), { recursive: true });
    await writeFile(join(stateDir, "workspace", "shared", "notes.md"), "# notes\n");
    model = await startModelServer();
  });

  afterAll(async () => {
    if (gateway) await keepGatewayLog(gateway, "alerts-restart");
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
  /** The keys of the next-turn notes waiting on disk for a session (no one has chatted yet). */
  const waitingKeys = async (): Promise<string[]> => {
    const text = await readFile(join(ourState, waitingFileName), "utf8").catch(() => "");
    if (text === "") return [];
    const file: { notes: { key: string }[] } = JSON.parse(text);
    return file.notes.map((n) => n.key);
  };
  const health = async () => serviceErrors(await gateway?.call("health", { probe: true }));

  it("health lists it after the restart, a fourth failure tells nothing, the recovery is told once", async () => {
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
        // No watcher: its start-up cycle would be a failure of its own beside the ones counted here.
        watch: false,
        timeout: 60,
        retry: { attempts: 1, delay: 0.1 },
        alertAfterFailures: 3,
      },
      scriptedModelConfig(model.baseUrl),
    );
    await sftp.stop(); // unreachable from here on
    sftp = null;
    gateway = await runGateway(stateDir, ourState);

    for (let i = 0; i < 3; i++) expect((await sync())?.result.verdict).toBe("failed");
    expect(await health()).toEqual([expect.stringMatching(/failed 3 times in a row/)]);
    const alerts = await eventually(async () => {
      const keys = await waitingKeys();
      return keys.length > 0 ? keys : undefined;
    }, "the alert waiting on disk");
    expect(alerts).toEqual([expect.stringMatching(/^workspace-sync:incident:/)]);

    killGroup(gateway.child); // SIGKILL
    await eventually(
      () => gateway?.child.exitCode !== null || gateway.child.signalCode !== null,
      "the gateway gone",
    );
    await keepGatewayLog(gateway, "alerts-restart-before");
    gateway = await runGateway(stateDir, ourState);
    await eventually(
      () => gateway?.output().includes("open since before this start (not told again)") || undefined,
      "the incident rebuilt from the log",
      60_000,
    );
    const after = await health();
    expect(after, "health after the restart").toEqual([expect.stringMatching(/failed 3 times in a row/)]);

    expect((await sync())?.result.verdict).toBe("failed"); // a fourth: the same incident
    expect(await waitingKeys()).toEqual(alerts); // no second alert

    sftp = await startSftpServer(cloud, { port });
    expect((await sync())?.result.verdict).toBe("done");
    expect(await health()).toEqual([]);
    const recovered = alerts.map((key) => key.replace(":incident:", ":recovered:"));
    await eventually(
      async () => (await waitingKeys()).length === 2 || undefined,
      "the recovery waiting on disk",
    );
    expect(await waitingKeys()).toEqual([...alerts, ...recovered]);

    const first = await turn("hello");
    const alert = "workspace-sync alert";
    const works = "works again";
    expect(count(first, alert), first.slice(0, 3000)).toBeGreaterThan(0);
    expect(count(first, works), first.slice(0, 3000)).toBeGreaterThan(0);
    await eventually(async () => (await waitingKeys()).length === 0, "the notes let go once queued");
    const second = await turn("thanks");
    expect(count(second, alert)).toBeLessThanOrEqual(count(first, alert));
    expect(count(second, works)).toBeLessThanOrEqual(count(first, works));
    console.log(`alerts across a restart: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
