/**
 * The plugin's service and hooks. `start` runs a host for the gateway's workspace in the gateway
 * process; hooks turn session starts and ends into events for the session's agent workspace and return
 * at once. Everything a `register()` call creates lives in one `PluginHost`: register has no side effects.
 */
import { join, resolve } from "node:path";
import { type LoadedConfig, parseConfig, pluginId } from "../config/load.js";
import type { Host } from "../daemon/host.js";
import { callHost } from "../ipc/client.js";
import { stateDirOf, workspaceOf } from "../paths.js";
import { eventDetail } from "../runtime/event-detail.js";
import { retryNote } from "../runtime/retry-note.js";
import type { SessionHook } from "../runtime/unit.js";
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
import type { Workflow } from "./next-turn.js";
import {
  type Hold,
  holdText,
  movedKeys,
  pluginConfigIn,
  readApplied,
  realCycleSince,
  reloadPrefixes,
  settle,
  targetOf,
  writeApplied,
} from "./reload.js";
import { syncReply } from "./replies.js";
import { Telling } from "./telling.js";
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
  /** `api.session.workflow`, captured during register (its next-turn method stays callable after). */
  #workflow: Workflow;
  /** Next-turn notes, where they go, failure alerts, inbox arrivals. */
  readonly #telling = new Telling(
    () => this.#workflow,
    () => this.captured.runtime,
  );
  /** The plugin config the last start read from OpenClaw's committed config (it changes on reload). */
  #pluginConfig: unknown;
  /** Real cycles held after a config change moved the sync, until someone confirms. */
  #hold: Hold | null = null;
  #ctx: ServiceContext | null = null;
  #loadError = "";

  /** The live statechart page the gateway serves (built on its first request). */
  readonly live: LiveRoute;

  constructor(private readonly captured: Captured) {
    this.#stateDir = stateDirOf({ env: captured.env });
    this.#defaultWorkspace = workspaceOf({ env: captured.env });
    this.live = createLiveRoute({
      config: () => this.config(captured.logger),
      stateDir: () => this.#stateDir,
      workspace: () => this.#defaultWorkspace,
      unit: () => this.#host?.units().find((u) => u.info.kind === "workspace") ?? null,
      onWarning: (m) => captured.logger.warn(`workspace-sync live page: ${m}`),
    });
  }

  /** Our state directory: where the host's socket and logs are. */
  get stateDir(): string {
    return this.#stateDir;
  }

  /** The running host in this process, if the service started. */
  get host(): Host | null {
    return this.#host;
  }

  service(): PluginService {
    return {
      id: serviceId,
      reload: { configPrefixes: reloadPrefixes },
      start: (ctx) => this.start(ctx),
      stop: () => this.stop(),
    };
  }

  /** Keep OpenClaw's session workflow (called during register, where `api` is still live). */
  useWorkflow(workflow: Workflow): void {
    this.#workflow = workflow;
  }

  async start(ctx: ServiceContext): Promise<void> {
    const logger = ctx.logger ?? this.captured.logger;
    this.#stateDir = join(ctx.stateDir, "workspace-sync");
    if (ctx.workspaceDir) this.#defaultWorkspace = resolve(ctx.workspaceDir);
    this.#ctx = ctx;
    await this.#telling.open(this.#stateDir, logger);
    const fresh = pluginConfigIn(ctx.config);
    if (fresh !== undefined && JSON.stringify(fresh) !== JSON.stringify(this.#pluginConfig)) {
      this.#pluginConfig = fresh; // a reload: parse the committed config again
      this.#loaded = undefined;
    }
    // Hints the service writes (halts, needsResync, credentials) name the command as OpenClaw runs it.
    this.captured.env[commandEnvVar] = openclawCommand;
    const loaded = this.config(logger, true);
    if (loaded === null) return;
    if (loaded.sync.provider === "off" && loaded.backup?.enabled !== true) {
      logger.info("workspace-sync: provider is off and backups are not enabled; nothing to run");
      return;
    }
    try {
      const applied = await readApplied(this.#stateDir);
      const target = targetOf(loaded.sync);
      this.#hold =
        applied !== null && movedKeys(applied, target).length > 0 && loaded.sync.provider !== "off"
          ? { from: applied, to: target, dryRun: null, since: Date.now() }
          : null;
      if (applied === null) await writeApplied(this.#stateDir, target);
      // A start begins clean; from here the watch reports what is wrong (an incident the log shows open too).
      ctx.serviceHealth?.clearFailure();
      this.#telling.watch(ctx, loaded, logger);
      this.#host = await this.#startHost(ctx, loaded, logger);
      logger.info(`workspace-sync: serving ${this.#defaultWorkspace}; socket ${this.#host.socketPath}`);
      this.#telling.hostStarted(this.#host.units(), logger);
      if (this.#hold) void this.#dryRun(this.#hold, this.#host, loaded, logger);
    } catch (error) {
      logger.error(`workspace-sync: the service did not start: ${messageOf(error)}`);
      ctx.serviceHealth?.reportFailure(error);
    }
  }

  /** The host for this config: no timers while real cycles are held. */
  async #startHost(ctx: ServiceContext, loaded: LoadedConfig, logger: PluginLogger): Promise<Host> {
    const { Host } = await import("../daemon/host.js"); // loads on start: registration never parses it
    return Host.start({
      stateDir: this.#stateDir,
      config: loaded,
      workspaces: [this.#defaultWorkspace],
      openclawState: ctx.stateDir,
      env: this.captured.env,
      command: `openclaw gateway (${pluginId} service)`,
      timers: this.#hold === null,
      logger: {
        info: (m) => logger.info(`workspace-sync: ${m}`),
        warn: (m) => logger.warn(`workspace-sync: ${m}`),
        error: (m) => logger.error(`workspace-sync: ${m}`),
      },
      onArrivals: (unit, arrivals) => this.#telling.arrivals(unit, arrivals, loaded, logger),
      onTransition: (unit, event, state, context) => {
        // A failure says what follows it: when the retry runs, or that none will.
        const note = retryNote(event, state, context, Date.now());
        if (note !== null) logger.warn(`workspace-sync: ${unit.label}: ${eventDetail(event)}; ${note}`);
        this.#telling.transition(unit, event, context);
        if (unit.kind !== "workspace") return;
        if (this.#hold && realCycleSince(context, this.#hold.since)) void this.confirm(logger);
      },
    });
  }

  /** The dry run a held move runs first; what it would do is told to the log and the agent's next turn. */
  async #dryRun(hold: Hold, host: Host, loaded: LoadedConfig, logger: PluginLogger): Promise<void> {
    try {
      const unit = await host.unitFor({ workspace: this.#defaultWorkspace });
      const answer = await unit.request({ type: "syncRequested", source: "cli", dryRun: true });
      hold.dryRun = syncReply(answer, loaded.sync.mode)
        .replace(/^Synced in/, "took")
        .replace(/\n/g, "; ");
    } catch (error) {
      hold.dryRun = `it failed: ${messageOf(error)}`;
    }
    if (this.#hold !== hold) return;
    logger.warn(`workspace-sync: ${holdText(hold).replace(/\n/g, " ")}`);
    const key = `workspace-sync:hold:${hold.since}`;
    const workspace = this.#defaultWorkspace;
    this.#telling.tell(workspace, holdText(hold), key, logger);
  }

  /** Why `/sync` cannot run a real cycle now, or null when it can. */
  held(): string | null {
    return this.#hold ? holdText(this.#hold) : null;
  }

  /** Release held real cycles: the new target becomes the applied one, the host restarts with timers. */
  async confirm(logger: PluginLogger = this.captured.logger): Promise<string> {
    const hold = this.#hold;
    const ctx = this.#ctx;
    const loaded = this.#loaded;
    if (!hold || !ctx || !loaded) return "Nothing waits for confirmation.";
    this.#hold = null;
    await writeApplied(this.#stateDir, hold.to);
    const old = this.#host;
    this.#host = null;
    await old?.stop();
    this.#host = await this.#startHost(ctx, loaded, logger);
    logger.info("workspace-sync: the moved config is confirmed; real syncs and timers run again");
    return "Confirmed: real syncs run again, to the new place. Send /sync to run one now.";
  }

  async stop(): Promise<void> {
    await settle(this.#host);
    this.#telling.stopWatching();
    const host = this.#host;
    this.#host = null;
    await this.live.close();
    await host?.stop();
    await this.#telling.close();
  }

  /** A session hook: find the agent's workspace, hand it to the host, return at once. */
  hook(hook: SessionHook, ctx: SessionHookContext): void {
    try {
      const workspace = this.workspaceFor(ctx.agentId);
      this.#telling.sessionHook(hook, workspace, ctx, this.captured.logger);
      if (this.#hold) return; // real cycles wait for a confirmation
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
        const raw = this.#pluginConfig ?? this.captured.pluginConfig ?? {};
        this.#loaded = parseConfig(raw, configSource, this.captured.env);
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
}
