/**
 * A one-way `rclone sync` behind the deletion guards, for every mode (mailbox push, mirror pull,
 * one-shot push/pull in mirror and bisync).
 *
 * The real sync runs first with `--max-delete 0`: rclone counts each delete before doing it and stops
 * at the first one, after its copies and updates. A cycle with nothing to delete (the usual one) thus
 * costs one listing of each side, as a plain sync does. Only when that tripwire fires are both sides
 * listed (`lsf`, same filters) and the plan judged; a plan within bounds then runs with
 * `--max-delete <counted deletes>`, so nothing beyond what was judged can go. `--force` skips all this.
 */
import type { Halt, TransferOutcome, TransferStats } from "../../../machines/outcomes.js";
import type { RcloneResult } from "../../rclone/run.js";
import type { RcloneRun } from "../rclone-runner.js";
import { type DeletionPlan, judgeDeletion } from "./judge.js";

/** How many changes an outcome event carries (the count is always exact). */
export const changePreviewLimit = 200;

/**
 * What a person's one-way sync (`sync --direction`) leaves alone in every mode, besides the tool's own
 * folder: the mailbox folders at the top of the synced folder.
 */
export const oneWayExcludes: readonly string[] = ["--exclude", "/_inbox/**", "--exclude", "/_outbox/**"];

export interface OneWaySpec {
  source: string;
  destination: string;
  /** Filter flags (`--exclude`, pattern, ...), applied to both sides as rclone does. */
  filters: readonly string[];
  dryRun: boolean;
  force: boolean;
  /** Percent of the destination's files a cycle may delete before it halts. */
  maxDelete: number;
  /** What to say when the source does not exist yet and nothing is synced (default: names `source`). */
  missingSourceNote?: string;
}

export type OneWayResult =
  | { kind: "done"; outcome: TransferOutcome }
  | { kind: "halted"; halt: Halt }
  | { kind: "failed"; error: Extract<RcloneResult, { ok: false }>["failure"] };

export function operationName(spec: Pick<OneWaySpec, "source" | "destination">): string {
  return `${spec.source} -> ${spec.destination}`;
}

export function syncArgs(spec: OneWaySpec, maxDelete?: number): string[] {
  const args = ["sync", spec.source, spec.destination, ...spec.filters];
  if (spec.dryRun) args.push("--dry-run");
  if (maxDelete !== undefined) args.push("--max-delete", String(maxDelete));
  return args;
}

export function toOutcome(results: readonly RcloneResult[]): TransferOutcome {
  const changes = results.flatMap((r) => r.changes);
  return {
    stats: results.map((r) => r.stats).reduce(addStats),
    changes: changes.slice(0, changePreviewLimit),
    changeCount: changes.length,
  };
}

function joinOutcomes(a: TransferOutcome, b: TransferOutcome): TransferOutcome {
  return {
    stats: addStats(a.stats, b.stats),
    changes: [...a.changes, ...b.changes].slice(0, changePreviewLimit),
    changeCount: a.changeCount + b.changeCount,
  };
}

function addStats(a: TransferStats, b: TransferStats): TransferStats {
  return {
    bytes: a.bytes + b.bytes,
    transfers: a.transfers + b.transfers,
    deletes: a.deletes + b.deletes,
    checks: a.checks + b.checks,
    renames: a.renames + b.renames,
    errors: a.errors + b.errors,
    elapsedSeconds: a.elapsedSeconds + b.elapsedSeconds,
  };
}

const tripped = (result: RcloneResult) =>
  !result.ok &&
  /max-delete threshold reached/i.test(`${result.failure.message} ${result.failure.hint ?? ""}`);

/** The tripwire run copied and updated; its "deletes" were only counted, and its errors were the tripwire. */
function tripwireCounts(result: RcloneResult): RcloneResult {
  // cast: a spread keeps `ok` as it was, but TypeScript cannot see through a union spread
  return { ...result, stats: { ...result.stats, deletes: 0, errors: 0 } } as RcloneResult;
}

type Listing = { missing: boolean; files: string[] } | { failed: Extract<RcloneResult, { ok: false }> };

async function list(
  rclone: RcloneRun,
  root: string,
  filters: readonly string[],
  signal: AbortSignal,
): Promise<Listing> {
  const result = await rclone(["lsf", "-R", "--files-only", root, ...filters], signal, { stdout: "text" });
  if (result.ok) {
    return { missing: false, files: result.stdout.split("\n").filter((l) => l !== "") };
  }
  if (result.failure.kind === "not-found") return { missing: true, files: [] };
  return { failed: result };
}

/** Both sides listed, the deletions counted: what the guard judges. */
export async function planDeletion(
  rclone: RcloneRun,
  spec: OneWaySpec,
  signal: AbortSignal,
): Promise<DeletionPlan | { failed: Extract<RcloneResult, { ok: false }> }> {
  const [source, destination] = await Promise.all([
    list(rclone, spec.source, spec.filters, signal),
    list(rclone, spec.destination, spec.filters, signal),
  ]);
  if ("failed" in source) return source;
  if ("failed" in destination) return destination;
  const kept = new Set(source.files);
  return {
    operation: operationName(spec),
    sourceMissing: source.missing,
    sourceFiles: source.files.length,
    destinationFiles: destination.files.length,
    deletes: destination.files.filter((f) => !kept.has(f)).length,
  };
}

/** Nothing synced because the source does not exist yet, said in plain words (`also` adds to them). */
function nothingYet(spec: OneWaySpec, first: Extract<RcloneResult, { ok: false }>, also = ""): OneWayResult {
  // cast: as in `tripwireCounts`, a union spread
  const outcome = toOutcome([{ ...first, stats: { ...first.stats, errors: 0 } } as RcloneResult]);
  const note = spec.missingSourceNote ?? `${spec.source} does not exist yet: nothing to sync`;
  return { kind: "done", outcome: { ...outcome, note: `${note}${also}` } };
}

/**
 * A dry run that failed not-found because its source does not exist yet (a not-found about anything else
 * stands). It changes nothing, so it records no halt either: over files the real sync would halt on, it
 * says so in its note.
 */
async function missingSource(
  rclone: RcloneRun,
  spec: OneWaySpec,
  first: Extract<RcloneResult, { ok: false }>,
  signal: AbortSignal,
): Promise<OneWayResult> {
  const plan = await planDeletion(rclone, spec, signal);
  if ("failed" in plan) return { kind: "failed", error: plan.failed.failure };
  if (!plan.sourceMissing) return { kind: "failed", error: first.failure };
  const halt = judgeDeletion(plan, spec.maxDelete);
  if (halt === null) return nothingYet(spec, first);
  return nothingYet(
    spec,
    first,
    `; a real sync halts (${halt.reason}) and deletes none of the ${plan.destinationFiles} files in ${spec.destination}`,
  );
}

/**
 * `wider`: `spec` is a narrow sync (the paths the watcher saw change) whose deletions are judged against the
 * whole tree: when its tripwire fires, the whole `wider` sync runs behind the guards instead, as a full
 * cycle would (a deletion is judged by its share of the whole destination, never of the few paths changed).
 */
export async function guardedSync(
  rclone: RcloneRun,
  spec: OneWaySpec,
  signal: AbortSignal,
  wider?: OneWaySpec,
): Promise<OneWayResult> {
  if (spec.dryRun || spec.force) {
    const result = await rclone(syncArgs(spec), signal);
    if (result.ok) return { kind: "done", outcome: toOutcome([result]) };
    // A dry run whose source is missing answers as the real sync would: the guards' halt, or nothing to do.
    if (spec.dryRun && !spec.force && result.failure.kind === "not-found") {
      return missingSource(rclone, spec, result, signal);
    }
    return { kind: "failed", error: result.failure };
  }
  const first = await rclone(syncArgs(spec, 0), signal);
  if (first.ok) return { kind: "done", outcome: toOutcome([first]) };
  const sourceGone = first.failure.kind === "not-found";
  if (!tripped(first) && !sourceGone) return { kind: "failed", error: first.failure };
  if (wider !== undefined) {
    const whole = await guardedSync(rclone, wider, signal);
    if (whole.kind !== "done") return whole;
    return { kind: "done", outcome: joinOutcomes(toOutcome([tripwireCounts(first)]), whole.outcome) };
  }

  const plan = await planDeletion(rclone, spec, signal);
  if ("failed" in plan) return { kind: "failed", error: plan.failed.failure };
  const halt = judgeDeletion(plan, spec.maxDelete);
  if (halt !== null) return { kind: "halted", halt };
  if (sourceGone) {
    // A missing source with nothing to protect: nothing to sync yet (a not-found about anything else stands).
    const nothing = plan.sourceMissing && plan.destinationFiles === 0;
    return nothing ? nothingYet(spec, first) : { kind: "failed", error: first.failure };
  }
  const second = await rclone(syncArgs(spec, plan.deletes), signal);
  if (second.ok) return { kind: "done", outcome: toOutcome([tripwireCounts(first), second]) };
  if (tripped(second)) {
    return {
      kind: "failed",
      error: {
        ...second.failure,
        kind: "retryable",
        message: `the destination changed while its deletions were being counted (${plan.deletes} judged); checking again`,
      },
    };
  }
  return { kind: "failed", error: second.failure };
}
