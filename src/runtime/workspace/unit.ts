/**
 * A workspace's sync actor as a host unit: `startWorkspace`'s handle, its interval timer, its session
 * hooks, its transition stream, and the inbox notification after a drain that brought files.
 */
import type { AnyMachineSnapshot } from "xstate";
import type { LoadedConfig } from "../../config/load.js";
import type { Transition, UnitInfo } from "../../ipc/protocol.js";
import { EventLog } from "../../log/event-log.js";
import { workspaceId } from "../../paths.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import { messageOf } from "../../util/errors.js";
import { inspectProcessed, plain, TransitionFeed } from "../feed.js";
import type { SessionHook, TriggerAnswer, TriggerInput, Unit, UnitContext } from "../unit.js";
import { effectiveInterval } from "./interval.js";
import { startWorkspace, type WorkspaceHandle } from "./start.js";
import { buildStatus, type StatusReport } from "./status.js";
import { IntervalTimer } from "./timer.js";

export const workspaceUnitKind = "workspace";

type Listener = (transition: Transition) => void;

/** Workspace-relative names of files a real cycle just delivered, from a `drainDone` and its snapshot. */
export function deliveredArrivals(event: Transition["event"], context: unknown): string[] {
  if (event.type !== "drainDone" || !Array.isArray(event.arrivals) || event.arrivals.length === 0) return [];
  const last = (context as { lastCycle?: { finishedAt?: number; request?: { dryRun?: boolean } } | null })
    .lastCycle;
  // A dry run's drain lists what would arrive: it is recorded as `lastDryRun`, never as `lastCycle`.
  if (!last || last.finishedAt !== event.at || last.request?.dryRun === true) return [];
  return event.arrivals.filter((name): name is string => typeof name === "string");
}

export class WorkspaceUnit implements Unit {
  readonly info: UnitInfo;
  readonly takes = "syncRequested";
  readonly #feed: TransitionFeed;
  readonly #inspection: { unsubscribe(): void };
  #timer: IntervalTimer | null = null;
  #stopping = false;

  private constructor(
    private readonly handle: WorkspaceHandle,
    private readonly context: UnitContext,
    private readonly workspace: string,
  ) {
    this.info = { id: workspaceId(workspace), kind: workspaceUnitKind, label: workspace };
    this.#feed = new TransitionFeed(this.info, context);
    this.#inspection = inspectProcessed(handle.host.actor, (event, snapshot) =>
      this.#processed(event, snapshot),
    );
  }

  static async start(context: UnitContext, workspace: string): Promise<WorkspaceUnit> {
    const { config, logger } = context;
    const handle = await startWorkspace({
      config: config.sync,
      stateDir: context.stateDir,
      workspace,
      env: context.env,
      rcloneBinary: context.rcloneBinary,
      rcloneVersion: context.rcloneVersion,
      now: context.now,
      onWarning: (message) => logger.warn(message),
    });
    const unit = new WorkspaceUnit(handle, context, workspace);
    const intervalMs = effectiveInterval(config.sync.interval, (m) => logger.warn(`${workspace}: ${m}`));
    if (intervalMs > 0) {
      unit.#timer = new IntervalTimer({
        intervalMs,
        now: context.now,
        fire: (source) => unit.#fireAndForget({ source }),
      });
      const snapshot = handle.host.snapshot;
      unit.#timer.update(snapshot.value, snapshot.context);
    }
    return unit;
  }

  /** The time the interval timer fires next (epoch ms), or null. */
  get nextTimerAt(): number | null {
    return this.#timer?.deadline ?? null;
  }

  current() {
    const snapshot = this.handle.host.snapshot;
    return { value: plain(snapshot.value), context: plain(snapshot.context) };
  }

  async trigger(input: TriggerInput): Promise<TriggerAnswer> {
    const answer = await this.handle.requestSync(input);
    return {
      verdict: answer.verdict,
      value: plain(answer.snapshot.value),
      context: plain(answer.snapshot.context),
      cycle: plain(answer.cycle),
    };
  }

  watchProgress(listener: (stats: RcloneProgress) => void): () => void {
    return this.handle.watchProgress(listener);
  }

  subscribe(listener: Listener): () => void {
    return this.#feed.subscribe(listener);
  }

  async history(options: { limit?: number; afterSeq?: number }) {
    await this.handle.host.flush();
    const log = await EventLog.open({ dir: this.handle.paths.logDir, readOnly: true });
    try {
      return await log.read(options);
    } finally {
      await log.close();
    }
  }

  async status(): Promise<unknown> {
    await this.handle.host.flush();
    const report = await buildStatus(
      { loaded: this.config, stateDir: this.context.stateDir, workspace: this.workspace },
      this.current(),
    );
    const live: StatusReport = { ...report, unit: this.info.id, nextTimerAt: isoOrNull(this.nextTimerAt) };
    return live;
  }

  onHook(hook: SessionHook): void {
    const wanted = hook === "session_start" ? this.config.sync.onSessionStart : this.config.sync.onSessionEnd;
    if (wanted) this.#fireAndForget({ source: "hook" });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#timer?.stop();
    await this.handle.stop();
    this.#inspection.unsubscribe();
    this.#feed.clear();
  }

  private get config(): LoadedConfig {
    return this.context.config;
  }

  #fireAndForget(input: TriggerInput): void {
    this.trigger(input).catch((error: unknown) => {
      // Stopping ends the actor before its cycle does: the log keeps the request, the next start runs it.
      if (this.#stopping) return;
      this.context.logger.warn(`${this.workspace}: ${input.source} sync not answered: ${messageOf(error)}`);
    });
  }

  #processed(event: Transition["event"], snapshot: AnyMachineSnapshot): void {
    this.#timer?.update(snapshot.value, snapshot.context);
    const arrivals = deliveredArrivals(event, snapshot.context);
    if (arrivals.length > 0) {
      try {
        this.context.onArrivals?.(this.info, arrivals);
      } catch (error) {
        this.context.logger.warn(`${this.workspace}: inbox notification failed: ${messageOf(error)}`);
      }
    }
    this.#feed.publish(event, snapshot);
  }
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The workspace kind: one unit per workspace the host serves. None when sync is off and backups are on
 * (a host for backups only); sync off with nothing else to run is refused as before, by `startWorkspace`.
 */
export const workspaceUnits = {
  kind: workspaceUnitKind,
  async start(context: UnitContext, workspaces: readonly string[]) {
    const units: Unit[] = [];
    const { sync, backup } = context.config;
    if (sync.provider === "off" && backup?.enabled === true) return units;
    for (const workspace of workspaces) units.push(await WorkspaceUnit.start(context, workspace));
    return units;
  },
};
