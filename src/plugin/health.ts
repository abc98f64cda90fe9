/**
 * Failures that reach people: watches each workspace's cycles (its machine's context as events go by) and
 * opens an incident after `alertAfterFailures` failed attempts in a row, or when no sync has succeeded for
 * twice `interval`. An incident is reported once: to OpenClaw's plugin health (`serviceHealth`, which
 * `openclaw status` and the gateway's `health` show) and once into the agent's next turn. Its recovery is
 * reported once too, at the first real cycle that goes through. Pure bookkeeping: the sinks do the telling.
 *
 * An open incident survives a restart without a file of its own: the event log is the source of truth.
 * The context a host rebuilds from it holds the failures in a row (`failedInARow`) and the last real
 * success (`lastCycle.finishedAt`); the first time the watch sees a workspace it judges that history as
 * the previous run did, and an incident the previous run must have reported is open again, reported to
 * health, but not told a second time. Its id comes from the log too (the workspace and its last success),
 * so the recovery note has the same key whichever run tells it.
 */
import { createHash } from "node:crypto";
import type { FailureReason } from "../../machines/outcomes.js";
import { fieldOf, isRecord } from "../util/json.js";
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

interface Incident {
  id: string;
  problem: string;
  /** The last real success when it opened: it closes when a later one goes through. */
  since: number | null;
}

interface Tally {
  failures: number;
  cycles: number;
  /** Failed attempts since the last success. */
  inARow: number;
  /** The last real success (epoch ms), null when none is known. */
  lastSuccessAt: number | null;
  /** When this run first saw the workspace: a silence is counted from here at the earliest. */
  seenAt: number;
  lastError: FailureReason | null;
  incident: Incident | null;
}

/** What a sync machine's context says, read without trusting its shape. */
interface Seen {
  failures: number;
  cycles: number;
  lastError: FailureReason | null;
  /** From the log (`failedInARow`): undefined in a context written before it existed. */
  inARow: number | undefined;
  lastFailureAt: number | null;
  lastSuccessAt: number | null;
}

function seenIn(context: unknown): Seen {
  const totals = fieldOf(context, "totals");
  const num = (value: unknown) => (typeof value === "number" ? value : null);
  const error = fieldOf(context, "lastError");
  const lastError =
    isRecord(error) && typeof error.message === "string" && typeof error.kind === "string"
      ? // cast: a sync machine's `lastError` is a FailureReason (kind and message checked above)
        (error as unknown as FailureReason)
      : null;
  const failed = fieldOf(context, "failedInARow");
  const inARow = failed === null ? 0 : (num(fieldOf(failed, "count")) ?? undefined);
  return {
    failures: num(fieldOf(totals, "failures")) ?? 0,
    cycles: num(fieldOf(totals, "cycles")) ?? 0,
    lastError,
    inARow,
    lastFailureAt: num(fieldOf(failed, "lastAt")),
    lastSuccessAt: num(fieldOf(fieldOf(context, "lastCycle"), "finishedAt")),
  };
}

/** The id of the incident after `workspace`'s success at `since`: the same in every run. */
export function incidentId(workspace: string, since: number | null): string {
  const hash = createHash("sha256").update(workspace).digest("hex").slice(0, 12);
  return `${hash}-${since ?? 0}`;
}

export class FailureWatch {
  readonly #tallies = new Map<string, Tally>();

  constructor(private readonly options: WatchOptions) {}

  /**
   * One processed event of a workspace unit (`failed`: it was a failed attempt), with its machine's
   * context after it; or, with no event, the context a host rebuilt from the log.
   */
  observe(workspace: string, context: unknown, failed = false): void {
    const seen = seenIn(context);
    const tally = this.#tallies.get(workspace);
    if (tally === undefined) {
      this.#rebuild(workspace, seen, failed);
      return;
    }
    if (seen.lastError) tally.lastError = seen.lastError;
    if (seen.failures > tally.failures) tally.inARow += seen.failures - tally.failures;
    if (seen.cycles > tally.cycles) {
      tally.inARow = 0;
      tally.lastSuccessAt = seen.lastSuccessAt ?? this.options.now();
    }
    if (seen.inARow !== undefined) tally.inARow = seen.inARow; // the log's count, when it keeps one
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

  /**
   * The first sight of a workspace in this run: its history as the log tells it. An incident the previous
   * run reported (its failures in a row had reached the limit, or its last failure came more than twice
   * the interval after the last success) is open again, shown in health, and not told again.
   */
  #rebuild(workspace: string, seen: Seen, failed: boolean): void {
    const now = this.options.now();
    const inARow = seen.inARow ?? 0;
    const tally: Tally = {
      failures: seen.failures,
      cycles: seen.cycles,
      inARow,
      lastSuccessAt: seen.lastSuccessAt,
      seenAt: now,
      lastError: seen.lastError,
      incident: null,
    };
    this.#tallies.set(workspace, tally);
    // An event of this run that is a failure was not there for the previous run to judge.
    const before = failed ? inARow - 1 : inARow;
    const { alertAfterFailures, intervalSeconds } = this.options;
    const silentThen =
      intervalSeconds > 0 &&
      !failed &&
      seen.lastFailureAt !== null &&
      seen.lastSuccessAt !== null &&
      seen.lastFailureAt - seen.lastSuccessAt > 2 * intervalSeconds * 1000;
    if (before >= alertAfterFailures || silentThen) {
      const problem = this.#problemOf(workspace, { ...tally, inARow: before }, silentThen);
      if (problem !== null) {
        tally.incident = {
          id: incidentId(workspace, tally.lastSuccessAt),
          problem,
          since: tally.lastSuccessAt,
        };
        this.#reportHealth();
      }
    }
    if (failed) this.#judge(workspace, tally);
  }

  #judge(workspace: string, tally: Tally): void {
    const incident = tally.incident;
    if (incident === null) {
      const problem = this.#problemOf(workspace, tally, false);
      if (problem === null) return;
      const id = incidentId(workspace, tally.lastSuccessAt);
      tally.incident = { id, problem, since: tally.lastSuccessAt };
      this.#reportHealth();
      this.options.sinks.tell(
        workspace,
        `workspace-sync alert: ${problem} Tell the user; they can send /sync status for details.`,
        `workspace-sync:incident:${id}`,
      );
      return;
    }
    // Over only when a real cycle went through since it opened.
    if (tally.lastSuccessAt === incident.since || this.#problemOf(workspace, tally, false) !== null) return;
    tally.incident = null;
    tally.lastError = null;
    this.#reportHealth();
    this.options.sinks.tell(
      workspace,
      `workspace-sync: syncing ${workspace} works again; the earlier failures are over.`,
      `workspace-sync:recovered:${incident.id}`,
    );
  }

  /** What is wrong with `workspace` now; `silent`: the silence counts from the last success alone. */
  #problemOf(workspace: string, tally: Tally, silent: boolean): string | null {
    const { alertAfterFailures, intervalSeconds, now } = this.options;
    const why = tally.lastError ? ` Last error: ${problemLine(tally.lastError)}` : "";
    if (tally.inARow >= alertAfterFailures)
      return `syncing ${workspace} failed ${tally.inARow} times in a row.${why}`;
    // A silence counts from this run's first sight at the earliest: a gateway that was off is no failure.
    const since = tally.lastSuccessAt ?? tally.seenAt;
    const from = silent ? since : Math.max(since, tally.seenAt);
    if (intervalSeconds > 0 && now() - from > 2 * intervalSeconds * 1000) {
      const minutes = Math.round((now() - since) / 60_000);
      return `no sync of ${workspace} has succeeded for ${minutes} min (interval ${intervalSeconds} s).${why}`;
    }
    return null;
  }

  /** Whether this run has seen `workspace` yet. */
  knows(workspace: string): boolean {
    return this.#tallies.has(workspace);
  }

  #reportHealth(): void {
    const open = [...this.problems().values()];
    this.options.sinks.health(open.length === 0 ? null : open.join(" "));
  }
}
