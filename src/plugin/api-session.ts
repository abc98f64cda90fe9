/**
 * The parts of OpenClaw's plugin API (2026.9.6) that let the plugin speak to people and agents: chat
 * commands (`registerCommand`, answered without the model), next-turn context
 * (`session.workflow.enqueueNextTurnInjection`, which never wakes the agent) and Control UI descriptors
 * (`session.controls.registerControlUiDescriptor`). Typed after the package's declarations
 * (`OpenClawPluginCommandDefinition`, `PluginCommandContext`, `PluginNextTurnInjection`,
 * `PluginControlUiDescriptor`); every member is optional: older hosts lack them.
 */

/** What a command handler is told (the parts used here). */
export interface CommandContext {
  /** The raw arguments after the command name. */
  args?: string;
  commandBody: string;
  channel: string;
  agentId?: string;
  sessionKey?: string;
  isAuthorizedSender: boolean;
}

export interface CommandResult {
  text?: string;
}

export interface CommandDefinition {
  /** Without the leading slash. */
  name: string;
  description: string;
  acceptsArgs?: boolean;
  /** Only authorized senders may use it (OpenClaw's default: true). */
  requireAuth?: boolean;
  handler: (ctx: CommandContext) => CommandResult | Promise<CommandResult>;
}

export interface NextTurnInjection {
  sessionKey: string;
  agentId?: string;
  text: string;
  idempotencyKey?: string;
  placement?: "prepend_context" | "append_context";
  ttlMs?: number;
}

export interface NextTurnInjectionResult {
  enqueued: boolean;
  id: string;
  sessionKey: string;
}

export interface ControlUiDescriptor {
  id: string;
  surface: "tab";
  label: string;
  description?: string;
  /** A gateway HTTP path (an `auth: "gateway"` route) shown in a sandboxed frame. */
  path?: string;
  icon?: string;
  group?: "control" | "agent";
}

export interface SessionApi {
  workflow?: {
    /** Callable after `register` returns (one of OpenClaw's "late-callable" methods). */
    enqueueNextTurnInjection?: (injection: NextTurnInjection) => Promise<NextTurnInjectionResult>;
  };
  controls?: {
    registerControlUiDescriptor?: (descriptor: ControlUiDescriptor) => void;
  };
}

/** What `api` offers beyond the basics, on hosts that have it. */
export interface SessionSurfaces {
  registerCommand?: (command: CommandDefinition) => void;
  session?: SessionApi;
}
