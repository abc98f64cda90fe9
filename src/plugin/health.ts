/**
 * Failures that reach people: watches each workspace's cycles (its machine's `totals` as events go by) and
 * opens an incident after `alertAfterFailures` failed attempts in a row, or when no sync has succeeded for
 * twice `interval`. An incident is reported once: to OpenClaw's plugin health (`serviceHealth`, which
 * `openclaw status` and the gateway's `health` show) and once into the agent's next turn. Its recovery is
 * reported once too. Pure bookkeeping: the sinks do the telling.
 */
import type { FailureReason } from "../../machines/outcomes.js";
import type { SyncConfig } from "../config/schema.js";
import { fieldOf, isRecord } from "../util/json.js";
import type { PluginLogger, ServiceContext } from "./api.js";
import { problemLine } from "./replies.js";

export interface AlertSinks {
  /** Plugin health: a problem to show, or null when nothing is wrong any more. */
  health(problem: string | null): void;
  /** Into the agent's next turn (never a wake-up); `key` is unique per incident and kind. */
  tell(workspace: string, text: string, key: string): void;
}

export interface WatchOptions {
  alertAfterFailures: number;
  /** The sync interval in seconds (0: no timer, so no "no success for 2× interval" check). */
  intervalSeconds: number;
  now: () => number;
  sinks: AlertSinks;
}

interface Tally {
  failures: number;
  cycles: number;
  /** Failed attempts since the last success. */
  inARow: number;
  lastSuccessAt: number;
  lastError: FailureReason | null;
  incident: { id: string; problem: string } | null;
}

/** The numbers a sync machine's context keeps, read without trusting its shape. */
function totalsOf(context: unknown): { failures: number; cycles: number; lastError: FailureReason | null } {
  const totals = fieldOf(context, "totals");
  const n = (key: string) => {
    const value = fieldOf(totals, key);
    return typeof value === "number" ? value : 0;
  };
  const error = fieldOf(context, "lastError");
  const lastError =
    isRecord(error) && typeof error.message === "string" && typeof error.kind === "string"
      ? // cast: a sync machine's `lastError` is a FailureReason (kind and message checked above)
        (error as unknown as FailureReason)
      : null;
  return { failures: n("failures"), cycles: n("cycles"), lastError };
}

export class FailureWatch {
  readonly #tallies = new Map<string, Tally>();
  #incidents = 0;

  constructor(private readonly options: WatchOptions) {}

  /** One processed event of a workspace unit, with its machine's context after it. */
  observe(workspace: string, context: unknown): void {
    const seen = totalsOf(context);
    const tally = this.#tallies.get(workspace);
    if (tally === undefined) {
      // The first event (the host starting): the counts so far are history, not news.
      this.#tallies.set(workspace, {
        ...seen,
        inARow: 0,
        lastSuccessAt: this.options.now(),
        incident: null,
      });
      return;
    }
    if (seen.lastError) tally.lastError = seen.lastError;
    if (seen.failures > tally.failures) tally.inARow += seen.failures - tally.failures;
    if (seen.cycles > tally.cycles) {
      tally.inARow = 0;
      tally.lastSuccessAt = this.options.now();
    }
    tally.failures = seen.failures;
    tally.cycles = seen.cycles;
    this.#judge(workspace, tally);
  }

  /** The periodic look for "no success for 2× interval" (a failing sync may also just stop trying). */
  check(): void {
    for (const [workspace, tally] of this.#tallies) this.#judge(workspace, tally);
  }

  /** The open incidents' problems, by workspace. */
  problems(): Map<string, string> {
    const open = new Map<string, string>();
    for (const [workspace, tally] of this.#tallies)
      if (tally.incident) open.set(workspace, tally.incident.problem);
    return open;
  }

  #judge(workspace: string, tally: Tally): void {
    const problem = this.#problemOf(workspace, tally);
    if (problem !== null && tally.incident === null) {
      tally.incident = { id: `${++this.#incidents}-${this.options.now()}`, problem };
      this.#reportHealth();
      this.options.sinks.tell(
        workspace,
        `workspace-sync alert: ${problem} Tell the user; they can send /sync status for details.`,
        `workspace-sync:incident:${tally.incident.id}`,
      );
    } else if (problem === null && tally.incident !== null) {
      const id = tally.incident.id;
      tally.incident = null;
      tally.lastError = null;
      this.#reportHealth();
      this.options.sinks.tell(
        workspace,
        `workspace-sync: syncing ${workspace} works again; the earlier failures are over.`,
        `workspace-sync:recovered:${id}`,
      );
    }
  }

  #problemOf(workspace: string, tally: Tally): string | null {
    const { alertAfterFailures, intervalSeconds, now } = this.options;
    const why = tally.lastError ? ` Last error: ${problemLine(tally.lastError)}` : "";
    if (tally.inARow >= alertAfterFailures)
      return `syncing ${workspace} failed ${tally.inARow} times in a row.${why}`;
    const silentMs = now() - tally.lastSuccessAt;
    if (intervalSeconds > 0 && silentMs > 2 * intervalSeconds * 1000) {
      const minutes = Math.round(silentMs / 60_000);
      return `no sync of ${workspace} has succeeded for ${minutes} min (interval ${intervalSeconds} s).${why}`;
    }
    return null;
  }

  #reportHealth(): void {
    const open = [...this.problems().values()];
    this.options.sinks.health(open.length === 0 ? null : open.join(" "));
  }
}

/** The watch the service runs: health through `ctx.serviceHealth`, a periodic check for silence. */
export function startFailureWatch(
  ctx: ServiceContext,
  sync: SyncConfig,
  logger: PluginLogger,
  tell: AlertSinks["tell"],
): { watch: FailureWatch; timer: NodeJS.Timeout } {
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
  const timer = setInterval(
    () => watch.check(),
    Math.min(60_000, Math.max(1000, (sync.interval * 1000) / 2)),
  );
  timer.unref();
  return { watch, timer };
}
