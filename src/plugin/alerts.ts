/**
 * The service's side of failures that reach people: the `FailureWatch` (health.ts) fed with every event of
 * the host's workspace units, its health reports sent to OpenClaw's `serviceHealth`, its notes to the
 * agent's next turn, and the periodic look for a silence. It lives as long as the service: a host
 * restarted by a confirmation keeps the same watch.
 */
import type { SyncConfig } from "../config/schema.js";
import type { Unit, UnitInfo } from "../runtime/unit.js";
import { fieldOf } from "../util/json.js";
import type { PluginLogger, ServiceContext } from "./api.js";
import { type AlertSinks, FailureWatch } from "./health.js";

export class Alerts {
  #watch: FailureWatch | null = null;
  #timer: NodeJS.Timeout | null = null;

  /**
   * Start watching (before the host starts, so no event goes unseen): health through `ctx.serviceHealth`,
   * notes through `tell`.
   */
  start(ctx: ServiceContext, sync: SyncConfig, logger: PluginLogger, tell: AlertSinks["tell"]): void {
    this.stop();
    const watch = new FailureWatch({
      alertAfterFailures: sync.alertAfterFailures,
      intervalSeconds: sync.interval,
      now: Date.now,
      sinks: {
        health: (problem) => {
          if (problem === null) {
            logger.info("workspace-sync: syncing works again");
            ctx.serviceHealth?.clearFailure();
          } else {
            logger.warn(`workspace-sync: ${problem}`);
            ctx.serviceHealth?.reportFailure(new Error(problem));
          }
        },
        tell,
      },
    });
    this.#watch = watch;
    this.#timer = setInterval(
      () => watch.check(),
      Math.min(60_000, Math.max(1000, (sync.interval * 1000) / 2)),
    );
    this.#timer.unref();
  }

  /**
   * The host started: each workspace unit no event showed yet is judged on the state its log rebuilt, so an
   * incident open before a restart is open again (and health hears of it).
   */
  started(units: readonly Unit[], logger: PluginLogger): void {
    const watch = this.#watch;
    if (watch === null) return;
    for (const unit of units)
      if (unit.info.kind === "workspace" && !watch.knows(unit.info.label))
        watch.observe(unit.info.label, unit.current().context);
    for (const problem of watch.problems().values())
      logger.warn(`workspace-sync: open since before this start (not told again): ${problem}`);
  }

  /** One processed event of a unit, with its machine's context after it. */
  observe(unit: UnitInfo, event: { type: string; [key: string]: unknown }, context: unknown): void {
    if (unit.kind !== "workspace") return;
    // The event that recorded a failed attempt carries the time the context keeps as the last one's.
    const failed = "error" in event && fieldOf(fieldOf(context, "failedInARow"), "lastAt") === event.at;
    this.#watch?.observe(unit.label, context, failed);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#watch = null;
  }
}
