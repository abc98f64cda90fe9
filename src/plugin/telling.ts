/**
 * What the service tells people and the agent, beside its replies: notes for the agent's next turn (those
 * waiting for a session kept on disk), the session each workspace's notes go to, failure alerts (plugin
 * health and the next turn, `alerts.ts`), and the files a drain brought into `_inbox`.
 */
import type { LoadedConfig } from "../config/load.js";
import type { SessionHook, Unit, UnitInfo } from "../runtime/unit.js";
import { Alerts } from "./alerts.js";
import type { PluginLogger, PluginRuntime, ServiceContext, SessionHookContext } from "./api.js";
import { NextTurnNotes, type Workflow } from "./next-turn.js";
import { inboxMessage, notifyInbox, SessionTargets } from "./notify.js";
import { fileStore } from "./waiting-notes.js";

export class Telling {
  /** Notes for agents' next turns (they wait here, and on disk, while OpenClaw has no session for them). */
  readonly #notes: NextTurnNotes;
  /** Where notes about a workspace go: the last session a hook named there, else its agent's main session. */
  readonly #targets = new SessionTargets();
  /** Failures that reach people: plugin health, and once per incident the agent's next turn. */
  readonly #alerts = new Alerts();

  constructor(
    workflow: () => Workflow,
    private readonly runtime: () => PluginRuntime | undefined,
  ) {
    this.#notes = new NextTurnNotes(workflow);
  }

  /** Notes that waited for a session before a restart come back, and wait on disk from here on. */
  async open(stateDir: string, logger: PluginLogger): Promise<void> {
    const store = fileStore(stateDir, (m) => logger.warn(`workspace-sync: ${m}`));
    await this.#notes.open(store, (workspace) => this.#targets.for(workspace), logger);
  }

  /** Queue `text` for the next turn of the session `workspace`'s notes go to. */
  tell(workspace: string, text: string, key: string, logger: PluginLogger): void {
    this.#notes.tell(workspace, this.#targets.for(workspace), text, key, logger);
  }

  /** Start watching for failures, before the host starts (see `Alerts.start`). */
  watch(ctx: ServiceContext, loaded: LoadedConfig, logger: PluginLogger): void {
    this.#alerts.start(ctx, loaded.sync, logger, (workspace, text, key) =>
      this.tell(workspace, text, key, logger),
    );
  }

  /** The host started: incidents its logs show still open are shown again (see `Alerts.started`). */
  hostStarted(units: readonly Unit[], logger: PluginLogger): void {
    this.#alerts.started(units, logger);
  }

  /** One processed event of a unit, with its machine's context after it. */
  transition(unit: UnitInfo, event: { type: string; [key: string]: unknown }, context: unknown): void {
    this.#alerts.observe(unit, event, context);
  }

  /** A session hook named a session of `workspace`: a starting one gets the notes that waited. */
  sessionHook(hook: SessionHook, workspace: string, ctx: SessionHookContext, logger: PluginLogger): void {
    const started = this.#targets.seen(hook, workspace, ctx);
    if (started) this.#notes.sessionStarted(workspace, started, logger);
  }

  /** A drain brought files into `_inbox`: listed in the next turn, or the agent woken, as configured. */
  arrivals(unit: UnitInfo, arrivals: string[], loaded: LoadedConfig, logger: PluginLogger): void {
    if (!loaded.sync.notifyOnInbox) return;
    const target = this.#targets.for(unit.label);
    if (loaded.sync.notifyOnInbox === "nextTurn") {
      const key = `workspace-sync:inbox:${unit.id}:${Date.now()}`;
      this.#notes.tell(unit.label, target, inboxMessage(arrivals), key, logger);
      return;
    }
    if (notifyInbox(this.runtime()?.system, target, arrivals, logger))
      logger.info(`workspace-sync: told ${target.sessionKey} about ${arrivals.length} new file(s) in _inbox`);
  }

  /** Stop the failure watch now. */
  stopWatching(): void {
    this.#alerts.stop();
  }

  /** Stop writing waiting notes to disk, once the writes under way are done. */
  close(): Promise<void> {
    return this.#notes.close();
  }
}
