/**
 * A real OpenClaw gateway with the plugin linked in, for the end-to-end tests: a state directory with
 * `openclaw.json` written from parts, the gateway started on a free loopback port, `openclaw gateway call`
 * for its RPCs, and chat messages sent the way the Control UI sends them (`chat.send`, then
 * `chat.history` until the reply lands).
 */
import type { ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { callHost } from "../../src/ipc/client.js";
import type { HelloResult } from "../../src/ipc/protocol.js";
import { eventually } from "../daemon/helpers.js";
import { artifactPath } from "../support/browser.js";
import { killGroup, linkPlugin, openclaw, stagePackage, startGateway } from "./openclaw.js";

export const gatewayToken = "workspace-sync-e2e-token";
export const pluginKey = "openclaw-workspace-sync";

export function freePort(): Promise<number> {
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

/**
 * The plugin as npm installs it (its files and its dependencies, staged beside `stateDir`), linked with
 * `openclaw plugins install --link`, then the config written with `extra` merged on top.
 */
export async function installPlugin(
  stateDir: string,
  pluginConfig: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const dir = `${stateDir}-plugin`;
  await stagePackage(dir, { dependencies: true });
  await linkPlugin(stateDir, dir);
  await editConfig(stateDir, (config) => {
    Object.assign(config, extra);
    setPluginConfig(config, pluginConfig);
  });
}

type Json = Record<string, unknown>;

export function objectAt(parent: Json, key: string): Json {
  const value = parent[key];
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    // cast: a JSON object read from openclaw.json
    return value as Json;
  }
  const made: Json = {};
  parent[key] = made;
  return made;
}

export function setPluginConfig(config: Json, pluginConfig: Json): void {
  objectAt(objectAt(config, "plugins"), "entries")[pluginKey] = { enabled: true, config: pluginConfig };
}

/** Rewrite `openclaw.json` (written as plain JSON, which JSON5 reads). */
export async function editConfig(stateDir: string, edit: (config: Json) => void): Promise<void> {
  const path = join(stateDir, "openclaw.json");
  // cast: openclaw.json is a JSON object
  const config = JSON.parse(await readFile(path, "utf8")) as Json;
  edit(config);
  await writeFile(path, JSON.stringify(config, null, 2));
}

export interface Gateway {
  child: ChildProcess;
  port: number;
  output(): string;
  hello: HelloResult;
  /** `openclaw gateway call <method>`, its JSON answer. */
  call(method: string, params: Json, timeoutMs?: number): Promise<unknown>;
  /** Send a chat message to a session as the Control UI does (resolves once the gateway accepted it). */
  send(message: string, sessionKey?: string): Promise<void>;
  /** Send a chat message to a session as the Control UI does; resolve with the assistant's reply text. */
  chat(message: string, options?: { sessionKey?: string; timeoutMs?: number }): Promise<string>;
  stop(): void;
}

/** The text of a transcript message, whatever shape its content has. */
export function textOf(message: unknown): string {
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return message.map(textOf).join("");
  if (typeof message !== "object" || message === null) return "";
  if ("text" in message && typeof message.text === "string") return message.text;
  if ("content" in message) return textOf(message.content);
  return "";
}

function messagesOf(history: unknown): { role: string; text: string }[] {
  if (typeof history !== "object" || history === null || !("messages" in history)) return [];
  const list = history.messages;
  if (!Array.isArray(list)) return [];
  return list.map((m: unknown) => ({
    role: typeof m === "object" && m !== null && "role" in m && typeof m.role === "string" ? m.role : "",
    text: textOf(m),
  }));
}

export async function runGateway(
  stateDir: string,
  ourStateDir: string,
  env: Record<string, string> = {},
): Promise<Gateway> {
  const port = await freePort();
  const started = startGateway(stateDir, port, gatewayToken, env);
  const stop = () => killGroup(started.child);
  const hello = await eventually(
    async () => {
      if (started.child.exitCode !== null) throw new Error(`gateway exited: ${started.output()}`);
      return (await callHost<HelloResult>(ourStateDir, { op: "hello" }).catch(() => null))?.result;
    },
    "the plugin's service in the gateway",
    180_000,
  ).catch((error: unknown) => {
    stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; gateway output:\n${started.output().slice(-3000)}`,
    );
  });
  const call = async (method: string, params: Json, timeoutMs = 30_000) => {
    const run = await openclaw(stateDir, [
      "gateway",
      "call",
      method,
      "--port",
      String(port),
      "--token",
      gatewayToken,
      "--json",
      "--timeout",
      String(timeoutMs),
      "--params",
      JSON.stringify(params),
    ]);
    if (run.code !== 0)
      throw new Error(`gateway call ${method} failed (${run.code}): ${run.stdout}${run.stderr}`);
    const answer: unknown = JSON.parse(run.stdout);
    return answer;
  };
  let sent = 0;
  const send = async (message: string, sessionKey = "agent:main:main") => {
    await call("chat.send", { sessionKey, message, idempotencyKey: `e2e-${Date.now()}-${++sent}` });
  };
  const chat = async (message: string, options: { sessionKey?: string; timeoutMs?: number } = {}) => {
    const sessionKey = options.sessionKey ?? "agent:main:main";
    const before = messagesOf(await call("chat.history", { sessionKey, limit: 200 }));
    const replies = before.filter((m) => m.role === "assistant").length;
    await send(message, sessionKey);
    return eventually(
      async () => {
        const after = messagesOf(await call("chat.history", { sessionKey, limit: 200 }));
        const answers = after.filter((m) => m.role === "assistant");
        return answers.length > replies ? (answers.at(-1)?.text ?? "") : undefined;
      },
      `a reply to ${message}`,
      options.timeoutMs ?? 120_000,
    );
  };
  return { child: started.child, port, output: started.output, hello, call, send, chat, stop };
}

/** Keep the gateway's output as a test artefact (`test/artifacts/openclaw-<name>-gateway.log`). */
export async function keepGatewayLog(gateway: Gateway, name: string): Promise<void> {
  const path = await artifactPath(`openclaw-${name}-gateway.log`);
  await writeFile(path, gateway.output());
  console.log(`gateway log: ${path}`);
}
