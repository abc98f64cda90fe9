/**
 * A workspace's sync actor as a host unit: `startWorkspace`'s handle, its interval timer (a long-lived
 * host's), its session hooks, its transition stream, and the inbox notification after a cycle that
 * brought files (the mode says which events do).
 */
import { randomUUID } from "node:crypto";
import type { AnyEventObject, AnyMachineSnapshot } from "xstate";
import type { UnitRequest } from "../../../machines/requests.js";
import type { LoadedConfig } from "../../config/load.js";
import { EventLog } from "../../log/event-log.js";
import { workspaceId } from "../../paths.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import { messageOf } from "../../util/errors.js";
import { inspectProcessed, plain, TransitionFeed } from "../feed.js";
import type { Answer, HostServices, SessionHook, Transition, Unit, UnitInfo, UnitKind } from "../unit.js";
import { effectiveInterval, isBusy, timerSeconds } from "./interval.js";
import { type Live, startLive } from "./live.js";
import { startWorkspace, type WorkspaceHandle } from "./start.js";
import { buildStatus, type StatusReport } from "./status.js";
import { IntervalTimer } from "./timer.js";

export const workspaceUnitKind = "workspace";

type Listener = (transition: Transition) => void;

export class WorkspaceUnit implements Unit {
  readonly info: UnitInfo;
  readonly takes = "syncRequested";
  readonly #feed: TransitionFeed;
  readonly #inspection: { unsubscribe(): void };
  #timer: IntervalTimer | null = null;
  #live: Live | null = null;
  #stopping = false;

  private constructor(
    private readonly handle: WorkspaceHandle,
    private readonly services: HostServices,
    private readonly workspace: string,
  ) {
    this.info = { id: workspaceId(workspace), kind: workspaceUnitKind, label: workspace };
    this.#feed = new TransitionFeed(this.info, services);
    this.#inspection = inspectProcessed(handle.actor.actor, (event, snapshot) =>
      this.#processed(event, snapshot),
    );
  }

  static async start(services: HostServices, workspace: string): Promise<WorkspaceUnit> {
    const { config, logger } = services;
    const handle = await startWorkspace({
      config: config.sync,
      stateDir: services.stateDir,
      workspace,
      env: services.env,
      rcloneBinary: services.rcloneBinary,
      rcloneVersion: services.rcloneVersion,
      keyPrefix: config.syncPrefix,
      now: services.now,
      onWarning: (message) => logger.warn(message),
    });
    const unit = new WorkspaceUnit(handle, services, workspace);
    // A mirror's workspace follows the remote: nothing local to watch, its cycles stay as they were.
    const watching = services.timers && config.sync.watch && config.sync.mode !== "mirror";
    if (watching) {
      unit.#live = await startLive({
        config: config.sync,
        handle,
        logger,
        label: workspace,
        busy: () => isBusy(handle.actor.snapshot.value),
        request: (request) => unit.#fireAndForget(request),
        subscribe: services.watchBackend,
      });
      // The safety net at start: what changed while no host watched is caught by one full cycle.
      unit.#fireAndForget({ type: "syncRequested", source: "startup" });
    }
    // The full cycle's timer (while watching: `fullSyncInterval`, see timerSeconds). Armed after the
    // watcher's start-up cycle was requested, so a watching host starts with that one cycle, not two.
    const fullEvery = timerSeconds(config.sync);
    const intervalMs = services.timers
      ? effectiveInterval(fullEvery, (m) => logger.warn(`${workspace}: ${m}`))
      : 0;
    if (intervalMs > 0) {
      unit.#timer = new IntervalTimer({
        intervalMs,
        now: services.now,
        fire: (source) => unit.#fireAndForget({ type: "syncRequested", source }),
      });
      const snapshot = handle.actor.snapshot;
      unit.#timer.update(snapshot.value, snapshot.context);
    }
    return unit;
  }

  /** The time the interval timer fires next (epoch ms), or null. */
  get nextTimerAt(): number | null {
    return this.#timer?.deadline ?? null;
  }

  /** The step the actor is in now (`pushing`, `draining`), for progress lines. */
  get snapshot(): AnyMachineSnapshot {
    return this.handle.actor.snapshot;
  }

  current() {
    const snapshot = this.handle.actor.snapshot;
    return { value: plain(snapshot.value), context: plain(snapshot.context) };
  }

  async request(request: UnitRequest, options: { wait?: boolean } = {}): Promise<Answer> {
    if (request.type !== this.takes)
      throw new Error(`a workspace unit takes syncRequested, not ${request.type}`);
    const { type: _type, ...input } = request;
    const requestId = input.requestId ?? randomUUID();
    const answered = this.handle.requestSync({ ...input, requestId });
    if (options.wait === false) {
      answered.catch(() => undefined);
      const { value, context } = this.current();
      return { unit: this.info.id, requestId, verdict: "queued", state: value, context, cycle: null };
    }
    const outcome = await answered;
    return {
      unit: this.info.id,
      requestId,
      verdict: outcome.verdict,
      state: plain(outcome.snapshot.value),
      context: plain(outcome.snapshot.context),
      cycle: plain(outcome.cycle),
    };
  }

  watchProgress(listener: (stats: RcloneProgress) => void): () => void {
    return this.handle.watchProgress(listener);
  }

  subscribe(listener: Listener): () => void {
    return this.#feed.subscribe(listener);
  }

  async history(options: { limit?: number; afterSeq?: number }) {
    await this.handle.actor.flush();
    const log = await EventLog.open({ dir: this.handle.paths.logDir, readOnly: true });
    try {
      return await log.read(options);
    } finally {
      await log.close();
    }
  }

  async status(): Promise<StatusReport> {
    await this.handle.actor.flush();
    const report = await buildStatus(
      { loaded: this.config, stateDir: this.services.stateDir, workspace: this.workspace },
      this.current(),
    );
    return { ...report, unit: this.info.id, nextTimerAt: isoOrNull(this.nextTimerAt) };
  }

  onHook(hook: SessionHook): void {
    const wanted = hook === "session_start" ? this.config.sync.onSessionStart : this.config.sync.onSessionEnd;
    if (wanted) this.#fireAndForget({ type: "syncRequested", source: "hook" });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#timer?.stop();
    await this.#live?.stop();
    await this.handle.stop();
    this.#inspection.unsubscribe();
    this.#feed.clear();
  }

  private get config(): LoadedConfig {
    return this.services.config;
  }

  #fireAndForget(request: UnitRequest): void {
    this.request(request).catch((error: unknown) => {
      // Stopping ends the actor before its cycle does: the log keeps the request, the next start runs it.
      if (this.#stopping) return;
      this.services.logger.warn(
        `${this.workspace}: ${request.source} sync not answered: ${messageOf(error)}`,
      );
    });
  }

  #processed(event: AnyEventObject, snapshot: AnyMachineSnapshot): void {
    this.#timer?.update(snapshot.value, snapshot.context);
    const arrivals = this.handle.arrivals(event, snapshot);
    if (arrivals.length > 0) {
      try {
        this.services.onArrivals?.(this.info, arrivals);
      } catch (error) {
        this.services.logger.warn(`${this.workspace}: inbox notification failed: ${messageOf(error)}`);
      }
    }
    this.#feed.publish(event, snapshot);
  }
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The workspace kind: one unit per workspace the host serves. None in a long-lived host when sync is off
 * and backups are on (a host for backups only); sync off with nothing else to run is refused as before,
 * by `startWorkspace`.
 */
export const workspaceUnits: UnitKind = {
  kind: workspaceUnitKind,
  async start(services, workspaces) {
    const units: Unit[] = [];
    const { sync, backup } = services.config;
    if (services.timers && sync.provider === "off" && backup?.enabled === true) return units;
    for (const workspace of workspaces) units.push(await WorkspaceUnit.start(services, workspace));
    return units;
  },
};
