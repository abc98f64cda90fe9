/**
 * The part of OpenClaw's plugin API this plugin uses, typed after the declarations of the `openclaw`
 * package (2026.9.6: `OpenClawPluginApi`, `OpenClawPluginServiceContext`, `OpenClawPluginCliContext`,
 * `PluginHookSessionStartEvent`/`EndEvent`/`Context`, `PluginRuntime["system"|"agent"]`). The package
 * itself is not a dependency: it needs Node 24 and weighs 650 MB; the real-host test runs against it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionSurfaces } from "./api-session.js";

export interface PluginLogger {
  debug?: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

/** OpenClaw's whole config (`openclaw.json`); only passed back to OpenClaw's own helpers. */
export type OpenClawConfig = Record<string, unknown>;

export interface ServiceContext {
  config: OpenClawConfig;
  /** The default agent's workspace. */
  workspaceDir?: string;
  /** OpenClaw's state directory (`$OPENCLAW_STATE_DIR`, default `~/.openclaw`). */
  stateDir: string;
  logger: PluginLogger;
  serviceHealth?: { reportFailure: (error: unknown) => void; clearFailure: () => void };
}

export interface PluginService {
  id: string;
  /** Restart this service with the committed config when one of these config paths changes. */
  reload?: { configPrefixes: readonly string[] };
  start: (ctx: ServiceContext) => void | Promise<void>;
  stop?: (ctx: ServiceContext) => void | Promise<void>;
}

export interface SessionHookContext {
  agentId?: string;
  sessionId: string;
  sessionKey?: string;
}

export interface SessionStartEvent {
  sessionId: string;
  sessionKey?: string;
  resumedFrom?: string;
}

export interface SessionEndEvent {
  sessionId: string;
  sessionKey?: string;
  messageCount: number;
  reason?: string;
}

export interface HookHandlers {
  session_start: (event: SessionStartEvent, ctx: SessionHookContext) => void | Promise<void>;
  session_end: (event: SessionEndEvent, ctx: SessionHookContext) => void | Promise<void>;
}

/** The commander `Command` methods the CLI bridge calls. */
export interface CliCommand {
  command(name: string): CliCommand;
  description(text: string): CliCommand;
  argument(name: string, description?: string): CliCommand;
  allowUnknownOption(allow?: boolean): CliCommand;
  helpOption(flags: string | boolean, description?: string): CliCommand;
  action(handler: (...args: unknown[]) => void | Promise<void>): CliCommand;
}

export interface CliContext {
  program: CliCommand;
  config: OpenClawConfig;
  workspaceDir?: string;
  logger: PluginLogger;
}

export interface CliRegistrationOptions {
  commands?: readonly string[];
  descriptors?: readonly {
    name: string;
    description: string;
    hasSubcommands: boolean;
    machineOutput?: (params: { argv: readonly string[]; stdoutIsTTY: boolean }) => boolean;
  }[];
}

export interface HeartbeatRequest {
  source: "other" | "hook";
  intent: "event" | "immediate";
  reason?: string;
  agentId?: string;
  sessionKey?: string;
}

/** `api.runtime`: in-process helpers of the gateway. Optional members were added or removed over versions. */
export interface PluginRuntime {
  system: {
    enqueueSystemEvent: (text: string, options: { sessionKey: string; agentId?: string }) => boolean;
    requestHeartbeat?: (request: HeartbeatRequest) => void;
    /** Deprecated (removal 2026-10-01), the only wake on older hosts. */
    requestHeartbeatNow?: (options?: { reason?: string; agentId?: string; sessionKey?: string }) => void;
  };
  agent: {
    resolveAgentWorkspaceDir: (config: OpenClawConfig, agentId: string) => string;
  };
}

export interface PluginApi extends SessionSurfaces {
  id: string;
  registrationMode?: string;
  config: OpenClawConfig;
  pluginConfig?: Record<string, unknown>;
  runtime: PluginRuntime;
  logger: PluginLogger;
  registerService: (service: PluginService) => void;
  registerCli: (
    registrar: (ctx: CliContext) => void | Promise<void>,
    options?: CliRegistrationOptions,
  ) => void;
  on: <K extends keyof HookHandlers>(hookName: K, handler: HookHandlers[K]) => void;
  /** Absent on hosts without plugin HTTP routes. */
  registerHttpRoute?: (params: HttpRouteParams) => void;
  /** Absent on hosts without agent tools (before 2026.5). Each tool is also named in the manifest. */
  registerTool?: (factory: ToolFactory, options: { name: string; optional?: boolean }) => void;
}

/** What OpenClaw tells a tool factory about the run it builds tools for (`OpenClawPluginToolContext`). */
export interface ToolContext {
  workspaceDir?: string;
  agentId?: string;
  sessionKey?: string;
}

/** A tool's result (`AgentToolResult`): text for the model, the structured value in `details`. */
export interface ToolResult {
  content: { type: "text"; text: string }[];
  details: unknown;
}

/** An agent tool (`AnyAgentTool`): `parameters` is a JSON Schema; `execute` throws on failure. */
export interface AgentTool {
  name: string;
  label: string;
  description: string;
  parameters: Record<string, unknown>;
  /** `direct-only`: offered to the model as itself, not only behind OpenClaw's tool-search catalog. */
  catalogMode?: "direct-only";
  execute: (toolCallId: string, params: unknown, signal?: AbortSignal) => Promise<ToolResult>;
}

export type ToolFactory = (ctx: ToolContext) => AgentTool | null | undefined;

/** `registerHttpRoute`'s parameters, as the installed openclaw declares them (the parts used here). */
export interface HttpRouteParams {
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean | undefined> | boolean | undefined;
  auth: "gateway" | "plugin";
  match?: "exact" | "prefix";
}

export interface PluginDefinition {
  id: string;
  name: string;
  description: string;
  register: (api: PluginApi) => void;
}
