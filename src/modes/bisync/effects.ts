/**
 * The bisync mode's effects: bootstrap (both folders), the bisync run (stale locks swept, first run
 * detected, conflicts resolved, local versions kept before a resync) and the one-shot one-way sync.
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BisyncEvent, bisyncMachine } from "../../../machines/bisync.js";
import type { Conflict, TransferOutcome } from "../../../machines/outcomes.js";
import { effectActor } from "../../effects/actors.js";
import {
  guardedSync,
  type OneWaySpec,
  oneWayExcludes,
  toOutcome,
} from "../../effects/guards/one-way-sync.js";
import { failure, lockActor, retryTimer, type SharedEvents } from "../../effects/shared.js";
import type { RcloneResult } from "../../rclone/run.js";
import { writeFileDurably } from "../../util/durable-file.js";
import type { EffectKit } from "../types.js";
import { type BisyncRunFlags, type BisyncSettings, bisyncArgs, filtersFileOf, filtersText } from "./args.js";
import { localFiles, loserFiles, nativeConflicts, resolveLegacyConflicts } from "./conflicts.js";
import { repairChangedDuringRun } from "./during-run.js";
import { firstRunFailure, interpretBisyncFailure } from "./failures.js";
import { sweepBisyncLocks } from "./lock.js";
import { keepDifferingLocalFiles } from "./resync.js";

/** What bisync's effects are made of: its settings and filters, from the kit. */
export interface BisyncSides {
  settings: BisyncSettings;
  exclude: readonly string[];
  syncsWorkspaceRoot: boolean;
}

export function bisyncSides(kit: EffectKit): BisyncSides {
  const { config } = kit;
  return {
    settings: {
      remoteRoot: kit.remoteRoot,
      localDir: kit.paths.localDir,
      workdir: kit.paths.bisyncDir,
      maxDelete: config.maxDelete,
      conflictResolve: config.conflictResolve,
    },
    exclude: config.exclude,
    syncsWorkspaceRoot: kit.paths.toolDirInSync !== null,
  };
}

/** Written after the first successful resync: from then on, missing listings are lost ones. */
export const resyncedMarker = "resynced-once";

/**
 * bisync has never been set up here: no listings and no marker. (With the marker, missing listings
 * were lost, and rclone itself says so.)
 */
export async function neverResynced(workdir: string): Promise<boolean> {
  const names = await readdir(workdir).catch((): string[] => []);
  if (names.includes(resyncedMarker)) return false;
  return !(names.some((n) => n.endsWith(".path1.lst")) && names.some((n) => n.endsWith(".path2.lst")));
}

async function writeFilters(sides: BisyncSides): Promise<void> {
  const file = filtersFileOf(sides.settings.workdir);
  const text = filtersText(sides.exclude, sides.syncsWorkspaceRoot);
  await mkdir(sides.settings.workdir, { recursive: true, mode: 0o700 });
  // Rewritten only when it changes: bisync asks for --resync when its hash changes.
  if ((await readFile(file, "utf8").catch(() => null)) !== text) await writeFileDurably(file, text);
}

/** One-way filters for a one-shot push/pull in bisync mode: the same filters bisync uses. */
export function transferSpec(
  sides: BisyncSides,
  direction: "push" | "pull",
  dryRun: boolean,
  force: boolean,
): OneWaySpec {
  const { remoteRoot, localDir, workdir, maxDelete } = sides.settings;
  const [source, destination] = direction === "push" ? [localDir, remoteRoot] : [remoteRoot, localDir];
  return {
    source,
    destination,
    // A person's one-way sync never touches the mailbox folders (first: an exclude wins over later rules).
    filters: [...oneWayExcludes, "--filter-from", filtersFileOf(workdir)],
    dryRun,
    force,
    maxDelete,
  };
}

/**
 * rclone 1.60's resync copies path2 → path1 and then syncs path1 → path2; in a dry run the first copy
 * does not happen, so the second reports deleting every local-only file. A real resync deletes nothing.
 */
function withoutDeletes(outcome: TransferOutcome): TransferOutcome {
  const changes = outcome.changes.filter((c) => c.action !== "deleted");
  return { stats: { ...outcome.stats, deletes: 0 }, changes, changeCount: changes.length };
}

export function bisyncEffects(kit: EffectKit) {
  const { caps, rclone, now, inFlight } = kit;
  const sides = bisyncSides(kit);
  const { settings } = sides;
  const at = () => ({ at: now() });

  const bootstrap = async (_input: undefined, signal: AbortSignal): Promise<BisyncEvent> => {
    try {
      await mkdir(settings.localDir, { recursive: true });
    } catch (error) {
      return { type: "bootstrapFailed", ...at(), error: failure(error) };
    }
    const made = await rclone(["mkdir", settings.remoteRoot], signal);
    if (!made.ok) return { type: "bootstrapFailed", ...at(), error: made.failure };
    return { type: "bootstrapDone", ...at() };
  };

  const failed = (result: Extract<RcloneResult, { ok: false }>): BisyncEvent => {
    const meaning = interpretBisyncFailure(result.failure);
    return "halt" in meaning
      ? { type: "bisyncHalted", ...at(), halt: meaning.halt }
      : { type: "bisyncFailed", ...at(), error: meaning.error };
  };

  const run = async (flags: BisyncRunFlags, signal: AbortSignal): Promise<BisyncEvent> => {
    await writeFilters(sides);
    const sweep = await sweepBisyncLocks(settings.workdir, caps, now());
    const staleLocksRemoved = sweep.removed.map((v) => `${v.path} (${v.reason})`);
    if (sweep.held !== null) {
      const error = {
        kind: "lock-held" as const,
        message: `bisync lock ${sweep.held.path} is ${sweep.held.reason}`,
        hint: "Another bisync of these paths is running: wait for it; the cycle is retried.",
      };
      return { type: "bisyncFailed", ...at(), error };
    }
    if (!flags.resync && (await neverResynced(settings.workdir))) {
      return { type: "bisyncFailed", ...at(), error: firstRunFailure() };
    }
    const real = !flags.dryRun;
    const conflicts: Conflict[] = [];
    if (flags.resync && real) {
      const kept = await keepDifferingLocalFiles(rclone, settings, signal);
      if ("failure" in kept) return { type: "bisyncFailed", ...at(), error: kept.failure };
      conflicts.push(...kept.conflicts);
    }
    const nativeBefore =
      caps.bisyncConflictFlags && real ? loserFiles(await localFiles(settings.localDir)) : null;
    const results: RcloneResult[] = [];
    const changedDuringRun = new Set<string>();
    // One bisync run; on an rclone that lists again at the end, its listings repaired for edits made meanwhile.
    const bisyncOnce = async (runFlags: BisyncRunFlags): Promise<RcloneResult> => {
      const since = Date.now();
      const result = await rclone(bisyncArgs(settings, caps, runFlags), signal);
      if (result.ok && caps.bisyncRelists && real && !runFlags.resync) {
        for (const name of await repairChangedDuringRun(settings.workdir, since)) changedDuringRun.add(name);
      }
      return result;
    };
    const first = await bisyncOnce(flags);
    if (!first.ok) return failed(first);
    results.push(first);
    if (real && !flags.resync) {
      if (nativeBefore !== null) {
        conflicts.push(
          ...nativeConflicts(nativeBefore, await localFiles(settings.localDir), settings.conflictResolve),
        );
      } else {
        const resolved = await resolveLegacyConflicts(settings.localDir, settings.conflictResolve);
        conflicts.push(...resolved.conflicts);
        if (resolved.renames > 0) {
          // Carries the local renames to the remote. Forced: renaming both copies counts as deletes,
          // which bisync's --max-delete check would otherwise stop on a small tree.
          const settle = await bisyncOnce({ ...flags, force: true });
          if (!settle.ok) return failed(settle);
          results.push(settle);
        }
      }
    }
    if (flags.resync && real) {
      await writeFileDurably(join(settings.workdir, resyncedMarker), `${new Date(now()).toISOString()}\n`);
    }
    const outcome = toOutcome(results);
    return {
      type: "bisyncDone",
      ...at(),
      ...(flags.resync && flags.dryRun ? withoutDeletes(outcome) : outcome),
      conflicts,
      resynced: flags.resync,
      staleLocksRemoved,
      changedDuringRun: [...changedDuringRun],
    };
  };

  const transfer = async (
    input: { direction: "push" | "pull"; dryRun: boolean; force: boolean },
    signal: AbortSignal,
  ): Promise<BisyncEvent> => {
    await writeFilters(sides);
    const result = await guardedSync(
      rclone,
      transferSpec(sides, input.direction, input.dryRun, input.force),
      signal,
    );
    if (result.kind === "failed") return { type: "transferFailed", ...at(), error: result.error };
    if (result.kind === "halted") return { type: "transferHalted", ...at(), halt: result.halt };
    return { type: "transferDone", ...at(), ...result.outcome };
  };

  const events: SharedEvents<BisyncEvent> = {
    lockAcquired: (when) => ({ type: "lockAcquired", at: when }),
    lockHeld: (when, error) => ({ type: "lockHeld", at: when, error }),
    retryDue: (when) => ({ type: "retryDue", at: when }),
  };
  return {
    holdLock: lockActor(kit.lock, now, inFlight, events),
    bootstrap: effectActor<undefined, BisyncEvent>(
      bootstrap,
      (error) => ({ type: "bootstrapFailed", ...at(), error }),
      inFlight,
    ),
    bisync: effectActor(run, (error) => ({ type: "bisyncFailed", ...at(), error }), inFlight),
    transfer: effectActor(transfer, (error) => ({ type: "transferFailed", ...at(), error }), inFlight),
    waitUntil: retryTimer(now, events),
  } satisfies Partial<Parameters<typeof bisyncMachine.provide>[0]["actors"]>;
}
