/**
 * One gateway test's world for the notes the agent is told: a state folder with a workspace, the
 * scripted model server, the gateway once started, and what these tests ask of them (a real agent turn,
 * a sync through the plugin's host, the next-turn notes waiting on disk, the service's health, a restart
 * by SIGKILL). Used by alerts, alerts-restart and next-turn.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callHost } from "../../src/ipc/client.js";
import type { SendResult } from "../../src/ipc/protocol.js";
import { waitingFileName } from "../../src/plugin/waiting-notes.js";
import { eventually } from "../daemon/helpers.js";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import { type Gateway, keepGatewayLog, runGateway } from "./harness.js";
import { installed, killGroup } from "./openclaw.js";

/** How often `text` occurs in a model request (the prompt, the context, the history). */
export const count = (request: string, text: string) => request.split(text).length - 1;

/** The plugin service's failures in a `health` answer. */
export const serviceErrors = (health: unknown) =>
  JSON.stringify(health).match(/service workspace-sync: [^"]*/g) ?? [];

export class AgentWorld {
  gateway: Gateway | null = null;

  private constructor(
    /** Names the kept gateway logs. */
    readonly name: string,
    readonly root: string,
    /** OpenClaw's state folder; the workspace is `workspace/` in it. */
    readonly stateDir: string,
    /** The plugin's state folder (its host's socket, the event log, the waiting notes). */
    readonly ourState: string,
    readonly model: ModelServer,
  ) {}

  static async create(name: string): Promise<AgentWorld> {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    const root = await mkdtemp(join(tmpdir(), `ocs-${name}-`));
    const stateDir = join(root, "oc");
    await mkdir(join(stateDir, "workspace", "shared"), { recursive: true });
    return new AgentWorld(name, root, stateDir, join(stateDir, "workspace-sync"), await startModelServer());
  }

  async start(): Promise<Gateway> {
    this.gateway = await runGateway(this.stateDir, this.ourState);
    return this.gateway;
  }

  /** Kill the gateway (SIGKILL: nothing saved at the end), keep its log, and start it again. */
  async restartHard(): Promise<Gateway> {
    const gateway = this.gateway;
    if (gateway === null) throw new Error("no gateway to restart");
    killGroup(gateway.child);
    await eventually(
      () => gateway.child.exitCode !== null || gateway.child.signalCode !== null,
      "the gateway gone",
    );
    await keepGatewayLog(gateway, `${this.name}-before-restart`);
    return this.start();
  }

  /** One real agent turn; resolves with the whole request the model was sent, as JSON. */
  async turn(message: string): Promise<string> {
    const before = this.model.requests.length;
    await this.gateway?.send(message);
    await eventually(() => this.model.requests.length > before, `a model request for "${message}"`, 180_000);
    return JSON.stringify(this.model.requests.at(-1));
  }

  /** A sync through the plugin's host, answered when it ends. */
  sync() {
    return callHost<SendResult>(this.ourState, {
      op: "send",
      event: { type: "syncRequested" },
      wait: true,
    });
  }

  /** The keys of the next-turn notes waiting on disk for a session. */
  async waitingKeys(): Promise<string[]> {
    const text = await readFile(join(this.ourState, waitingFileName), "utf8").catch(() => "");
    if (text === "") return [];
    const file: { notes: { key: string }[] } = JSON.parse(text);
    return file.notes.map((n) => n.key);
  }

  /** The plugin service's failures in OpenClaw's health (`probe`: fresh, not the cached snapshot). */
  async health(): Promise<string[]> {
    return serviceErrors(await this.gateway?.call("health", { probe: true }));
  }

  async close(): Promise<void> {
    if (this.gateway) await keepGatewayLog(this.gateway, this.name);
    this.gateway?.stop();
    await this.model.close();
    await rm(this.root, { recursive: true, force: true });
  }
}
