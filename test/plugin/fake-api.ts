/** A typed fake of OpenClaw's plugin `api`: records what `register` registers; its methods go dead after. */
import type {
  CliCommand,
  CliContext,
  CliRegistrationOptions,
  HeartbeatRequest,
  HookHandlers,
  HttpRouteParams,
  PluginApi,
  PluginLogger,
  PluginRuntime,
  PluginService,
  ToolFactory,
} from "../../src/plugin/api.js";

export interface FakeLogger extends PluginLogger {
  lines: { level: string; message: string }[];
}

export function fakeLogger(): FakeLogger {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

export interface SystemCalls {
  events: { text: string; sessionKey: string }[];
  heartbeats: HeartbeatRequest[];
  heartbeatsNow: unknown[];
}

export function fakeRuntime(
  workspaces: Record<string, string>,
  options: { legacy?: boolean; failing?: boolean } = {},
): { runtime: PluginRuntime; calls: SystemCalls } {
  const calls: SystemCalls = { events: [], heartbeats: [], heartbeatsNow: [] };
  const system: PluginRuntime["system"] = {
    enqueueSystemEvent: (text, { sessionKey }) => {
      if (options.failing) throw new Error("system events are closed");
      calls.events.push({ text, sessionKey });
      return true;
    },
    requestHeartbeatNow: (opts) => {
      calls.heartbeatsNow.push(opts);
    },
  };
  if (!options.legacy) system.requestHeartbeat = (request) => calls.heartbeats.push(request);
  const runtime: PluginRuntime = {
    system,
    agent: {
      resolveAgentWorkspaceDir: (_config, agentId) => {
        const dir = workspaces[agentId];
        if (!dir) throw new Error(`no agent ${agentId}`);
        return dir;
      },
    },
  };
  return { runtime, calls };
}

export interface Registered {
  services: PluginService[];
  hooks: Partial<{ [K in keyof HookHandlers]: HookHandlers[K][] }>;
  cli: {
    registrar: (ctx: CliContext) => void | Promise<void>;
    options: CliRegistrationOptions | undefined;
  }[];
  routes: HttpRouteParams[];
  tools: { factory: ToolFactory; options: { name: string; optional?: boolean } }[];
}

/** An `api` as `register` sees it; `seal()` turns every method into a no-op, as the real host does. */
export function fakeApi(pluginConfig: Record<string, unknown>, runtime: PluginRuntime, logger: PluginLogger) {
  const registered: Registered = { services: [], hooks: {}, cli: [], routes: [], tools: [] };
  let sealed = false;
  const api: PluginApi = {
    id: "openclaw-workspace-sync",
    registrationMode: "full",
    config: {},
    pluginConfig,
    runtime,
    logger,
    registerService: (service) => {
      if (!sealed) registered.services.push(service);
    },
    registerCli: (registrar, options) => {
      if (!sealed) registered.cli.push({ registrar, options });
    },
    registerTool: (factory, options) => {
      if (!sealed) registered.tools.push({ factory, options });
    },
    registerHttpRoute: (route) => {
      if (!sealed) registered.routes.push(route);
    },
    on: (name, handler) => {
      if (sealed) return;
      const list: unknown[] = registered.hooks[name] ?? [];
      list.push(handler);
      registered.hooks[name] = list as never;
    },
  };
  return { api, registered, seal: () => (sealed = true) };
}

/** A commander-like program that records the command tree and keeps each action. */
export interface FakeCommand extends CliCommand {
  name: string;
  children: FakeCommand[];
  run?: (...args: unknown[]) => void | Promise<void>;
  unknownOptions: boolean;
}

export function fakeProgram(name = "openclaw"): FakeCommand {
  const command: FakeCommand = {
    name,
    children: [],
    unknownOptions: false,
    command(child) {
      const made = fakeProgram(child);
      command.children.push(made);
      return made;
    },
    description: () => command,
    argument: () => command,
    allowUnknownOption(allow = true) {
      command.unknownOptions = allow;
      return command;
    },
    helpOption: () => command,
    action(handler) {
      command.run = handler;
      return command;
    },
  };
  return command;
}
