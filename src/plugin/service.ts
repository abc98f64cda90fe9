/**
 * The plugin's service and hooks. `start` runs a host for the gateway's workspace in the gateway
 * process; hooks turn session starts and ends into events for the session's agent workspace and return
 * at once. Everything a `register()` call creates lives in one `PluginHost`: register has no side effects.
 */
import { join, resolve } from "node:path";
import { type LoadedConfig, parseConfig, pluginId } from "../config/load.js";
import { Host } from "../daemon/host.js";
import { callHost } from "../ipc/client.js";
import { stateDirOf, workspaceOf } from "../paths.js";
import type { SessionHook, UnitInfo } from "../runtime/unit.js";
import { commandEnvVar } from "../util/command.js";
import { messageOf } from "../util/errors.js";
import type {
  OpenClawConfig,
  PluginLogger,
  PluginRuntime,
  PluginService,
  ServiceContext,
  SessionHookContext,
} from "./api.js";
import { createLiveRoute, type LiveRoute } from "./live-route.js";
import { openclawCommand } from "./manifest.js";
import { mainSessionKey, type NotifyTarget, notifyInbox } from "./notify.js";
import type { ToolHost } from "./tools/kit.js";

/** What `register(api)` captured: after it returns, `api`'s methods are no-ops. */
export interface Captured {
  pluginConfig: unknown;
  config: OpenClawConfig;
  logger: PluginLogger;
  runtime: PluginRuntime | undefined;
  env: NodeJS.ProcessEnv;
}

export const serviceId = "workspace-sync";
const configSource = `plugins.entries.${pluginId}.config`;

export class PluginHost {
  #host: Host | null = null;
  #stateDir: string;
  #defaultWorkspace: string;
  #loaded: LoadedConfig | null | undefined;
  #loadError = "";
  /** Where an inbox notification for a workspace goes: the last session a hook named there. */
  readonly #targets = new Map<string, NotifyTarget>();
  /** The agent a hook last named for a workspace: without a live session, its main session is told. */
  readonly #agents = new Map<string, string>();

  /** The live statechart page the gateway serves (built on its first request). */
  readonly live: LiveRoute;

  constructor(private readonly captured: Captured) {
    this.#stateDir = stateDirOf({ env: captured.env });
    this.#defaultWorkspace = workspaceOf({ env: captured.env });
    this.live = createLiveRoute({
      config: () => this.config(captured.logger),
      stateDir: () => this.#stateDir,
      workspace: () => this.#defaultWorkspace,
      onWarning: (m) => captured.logger.warn(`workspace-sync live page: ${m}`),
    });
  }

  /** The running host in this process, if the service started. */
  get host(): Host | null {
    return this.#host;
  }

  service(): PluginService {
    return { id: serviceId, start: (ctx) => this.start(ctx), stop: () => this.stop() };
  }

  async start(ctx: ServiceContext): Promise<void> {
    const logger = ctx.logger ?? this.captured.logger;
    this.#stateDir = join(ctx.stateDir, "workspace-sync");
    if (ctx.workspaceDir) this.#defaultWorkspace = resolve(ctx.workspaceDir);
    // Hints the service writes (halts, needsResync, credentials) name the command as OpenClaw runs it.
    this.captured.env[commandEnvVar] = openclawCommand;
    const loaded = this.config(logger, true);
    if (loaded === null) return;
    if (loaded.sync.provider === "off" && loaded.backup?.enabled !== true) {
      logger.info("workspace-sync: provider is off and backups are not enabled; nothing to run");
      return;
    }
    try {
      this.#host = await Host.start({
        stateDir: this.#stateDir,
        config: loaded,
        workspaces: [this.#defaultWorkspace],
        openclawState: ctx.stateDir,
        env: this.captured.env,
        command: `openclaw gateway (${pluginId} service)`,
        logger: {
          info: (m) => logger.info(`workspace-sync: ${m}`),
          warn: (m) => logger.warn(`workspace-sync: ${m}`),
          error: (m) => logger.error(`workspace-sync: ${m}`),
        },
        onArrivals: (unit, arrivals) => this.#notify(unit, arrivals, loaded, logger),
      });
      logger.info(`workspace-sync: serving ${this.#defaultWorkspace}; socket ${this.#host.socketPath}`);
      ctx.serviceHealth?.clearFailure();
    } catch (error) {
      logger.error(`workspace-sync: the service did not start: ${messageOf(error)}`);
      ctx.serviceHealth?.reportFailure(error);
    }
  }

  async stop(): Promise<void> {
    const host = this.#host;
    this.#host = null;
    await this.live.close();
    await host?.stop();
  }

  /** A session hook: find the agent's workspace, hand it to the host, return at once. */
  hook(hook: SessionHook, ctx: SessionHookContext): void {
    try {
      const workspace = this.workspaceFor(ctx.agentId);
      if (ctx.agentId) this.#agents.set(workspace, ctx.agentId);
      if (hook === "session_start" && ctx.sessionKey)
        this.#targets.set(workspace, { sessionKey: ctx.sessionKey, agentId: ctx.agentId });
      if (hook === "session_end") this.#targets.delete(workspace);
      if (this.#host) {
        this.#host.hook(hook, workspace);
        return;
      }
      this.#forward(hook, workspace);
    } catch (error) {
      this.captured.logger.warn(`workspace-sync: ${hook}: ${messageOf(error)}`);
    }
  }

  /** The workspace of an agent, as OpenClaw resolves it; the default workspace without an agent id. */
  workspaceFor(agentId: string | undefined): string {
    const resolveDir = this.captured.runtime?.agent?.resolveAgentWorkspaceDir;
    if (agentId === undefined || typeof resolveDir !== "function") return this.#defaultWorkspace;
    try {
      return resolve(resolveDir(this.captured.config, agentId));
    } catch {
      return this.#defaultWorkspace;
    }
  }

  /** The plugin config, parsed once; null (logged) when it is invalid. */
  config(logger: PluginLogger, report = false): LoadedConfig | null {
    if (this.#loaded === undefined) {
      try {
        this.#loaded = parseConfig(this.captured.pluginConfig ?? {}, configSource, this.captured.env);
        for (const warning of this.#loaded.warnings) logger.warn(`workspace-sync: ${warning}`);
      } catch (error) {
        this.#loaded = null;
        this.#loadError = messageOf(error);
        logger.error(`workspace-sync: ${this.#loadError}`);
      }
    } else if (report && this.#loaded === null) {
      logger.error(`workspace-sync: the config in ${configSource} is invalid; nothing runs`);
    }
    return this.#loaded;
  }

  /** What the agent tools need: the scope of a run's workspace, and the host the service runs. */
  tools(): ToolHost {
    return {
      host: () => this.#host,
      scope: (ctx) => {
        const loaded = this.config(this.captured.logger);
        if (loaded === null) throw new Error(`workspace-sync is not configured: ${this.#loadError}`);
        const workspace = ctx.workspaceDir ? resolve(ctx.workspaceDir) : this.workspaceFor(ctx.agentId);
        return { loaded, stateDir: this.#stateDir, workspace };
      },
    };
  }

  /** No host here (the service did not start: another host owns the state directory): ask it over its socket. */
  #forward(hook: SessionHook, workspace: string): void {
    const loaded = this.config(this.captured.logger);
    const wanted = hook === "session_start" ? loaded?.sync.onSessionStart : loaded?.sync.onSessionEnd;
    if (!wanted) return;
    const event = { type: "syncRequested", source: "hook" } as const;
    callHost(this.#stateDir, { op: "send", workspace, event, wait: false })
      .then((answer) => {
        if (answer === null)
          this.captured.logger.warn(`workspace-sync: ${hook}: no host runs for ${this.#stateDir}`);
      })
      .catch((error: unknown) => this.captured.logger.warn(`workspace-sync: ${hook}: ${messageOf(error)}`));
  }

  #notify(unit: UnitInfo, arrivals: string[], loaded: LoadedConfig, logger: PluginLogger): void {
    if (!loaded.sync.notifyOnInbox) return;
    const agentId = this.#agents.get(unit.label) ?? "main";
    const target = this.#targets.get(unit.label) ?? { sessionKey: mainSessionKey(agentId), agentId };
    if (notifyInbox(this.captured.runtime?.system, target, arrivals, logger))
      logger.info(`workspace-sync: told ${target.sessionKey} about ${arrivals.length} new file(s) in _inbox`);
  }
}
