/**
 * The mirror mode's effects: bootstrap (the local folders), the ingest copy up (additive), the mirror
 * pull (remote → local) and the one-shot push (local → remote), both behind the deletion guards.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { MirrorEvent, MirrorStepInput, mirrorMachine } from "../../../machines/mirror.js";
import { effectActor } from "../../effects/actors.js";
import {
  guardedSync,
  type OneWaySpec,
  oneWayExcludes,
  toOutcome,
} from "../../effects/guards/one-way-sync.js";
import { failure, lockActor, retryTimer, type SharedEvents } from "../../effects/shared.js";
import type { EffectKit } from "../types.js";

/** What mirror's effects are made of: the kit's paths and remote, and the ingest folder. */
export interface MirrorSides {
  localDir: string;
  /** `remote:<remotePath>`. */
  remoteRoot: string;
  exclude: readonly string[];
  syncsWorkspaceRoot: boolean;
  /** The ingest folder, relative to the synced folder (`inbox`), or null when ingest is off. */
  ingestPath: string | null;
  maxDelete: number;
}

export function mirrorSides(kit: EffectKit): MirrorSides {
  const { config } = kit;
  return {
    localDir: kit.paths.localDir,
    remoteRoot: kit.remoteRoot,
    exclude: config.exclude,
    syncsWorkspaceRoot: kit.paths.toolDirInSync !== null,
    ingestPath: config.ingest ? config.ingestPath.replace(/^\.?\/+|\/+$/g, "") : null,
    maxDelete: config.maxDelete,
  };
}

/** Filters of both one-way syncs: the tool's folder, the ingest folder (never mirrored), the user's. */
export function mirrorFilters(
  sides: Pick<MirrorSides, "syncsWorkspaceRoot" | "ingestPath" | "exclude">,
): string[] {
  const args: string[] = [];
  if (sides.syncsWorkspaceRoot) args.push("--exclude", "/.workspace-sync/**");
  if (sides.ingestPath !== null) args.push("--exclude", `/${sides.ingestPath}/**`);
  for (const pattern of sides.exclude) args.push("--exclude", pattern);
  return args;
}

export function pullSpec(sides: MirrorSides, input: MirrorStepInput): OneWaySpec {
  const { oneWay, ...run } = input;
  return {
    source: sides.remoteRoot,
    destination: sides.localDir,
    // A person's one-way sync (`sync --direction`) leaves the mailbox folders alone; the mirror's own pull
    // is the whole remote.
    filters: [...(oneWay === true ? oneWayExcludes : []), ...mirrorFilters(sides)],
    maxDelete: sides.maxDelete,
    missingSourceNote: `the remote folder ${sides.remoteRoot} does not exist yet: nothing to pull`,
    ...run,
  };
}

/** The push is only ever a one-shot `--direction push`: it leaves the mailbox folders alone too. */
export function pushSpec(sides: MirrorSides, input: MirrorStepInput): OneWaySpec {
  const { missingSourceNote: _pullOnly, ...pull } = pullSpec(sides, { ...input, oneWay: true });
  return { ...pull, source: sides.localDir, destination: sides.remoteRoot };
}

/**
 * The ingest copy: additive (`copy`, never `sync`), and `--update` so a newer remote version is never
 * replaced. Nothing on the remote is ever deleted by it.
 */
export function ingestArgs(sides: MirrorSides, ingestPath: string, dryRun: boolean): string[] {
  const args = ["copy", join(sides.localDir, ingestPath), `${sides.remoteRoot}/${ingestPath}`, "--update"];
  for (const pattern of sides.exclude) args.push("--exclude", pattern);
  if (dryRun) args.push("--dry-run");
  return args;
}

export function mirrorEffects(kit: EffectKit) {
  const { rclone, now, inFlight } = kit;
  const sides = mirrorSides(kit);
  const at = () => ({ at: now() });

  const bootstrap = async (): Promise<MirrorEvent> => {
    try {
      await mkdir(sides.localDir, { recursive: true });
      if (sides.ingestPath !== null) await mkdir(join(sides.localDir, sides.ingestPath), { recursive: true });
      return { type: "bootstrapDone", ...at() };
    } catch (error) {
      return { type: "bootstrapFailed", ...at(), error: failure(error) };
    }
  };

  const ingest = async ({ dryRun }: MirrorStepInput, signal: AbortSignal): Promise<MirrorEvent> => {
    if (sides.ingestPath === null) return { type: "ingestDone", ...at(), ...toOutcome([]) };
    const result = await rclone(ingestArgs(sides, sides.ingestPath, dryRun), signal);
    // Before the first real cycle the ingest folder may not exist yet: nothing to send.
    if (!result.ok && !(dryRun && result.failure.kind === "not-found")) {
      return { type: "ingestFailed", ...at(), error: result.failure };
    }
    return { type: "ingestDone", ...at(), ...toOutcome([result]) };
  };

  const oneWay =
    (
      spec: typeof pullSpec,
      done: "pullDone" | "pushDone",
      halted: "pullHalted" | "pushHalted",
      failed: "pullFailed" | "pushFailed",
    ) =>
    async (input: MirrorStepInput, signal: AbortSignal): Promise<MirrorEvent> => {
      const result = await guardedSync(rclone, spec(sides, input), signal);
      if (result.kind === "failed") return { type: failed, ...at(), error: result.error };
      if (result.kind === "halted") return { type: halted, ...at(), halt: result.halt };
      return { type: done, ...at(), ...result.outcome };
    };

  const events: SharedEvents<MirrorEvent> = {
    lockAcquired: (when) => ({ type: "lockAcquired", at: when }),
    lockHeld: (when, error) => ({ type: "lockHeld", at: when, error }),
    retryDue: (when) => ({ type: "retryDue", at: when }),
  };
  return {
    holdLock: lockActor(kit.lock, now, inFlight, events),
    bootstrap: effectActor<undefined, MirrorEvent>(
      bootstrap,
      (error) => ({ type: "bootstrapFailed", ...at(), error }),
      inFlight,
    ),
    ingest: effectActor(ingest, (error) => ({ type: "ingestFailed", ...at(), error }), inFlight),
    pull: effectActor(
      oneWay(pullSpec, "pullDone", "pullHalted", "pullFailed"),
      (error) => ({ type: "pullFailed", ...at(), error }),
      inFlight,
    ),
    push: effectActor(
      oneWay(pushSpec, "pushDone", "pushHalted", "pushFailed"),
      (error) => ({ type: "pushFailed", ...at(), error }),
      inFlight,
    ),
    waitUntil: retryTimer(now, events),
  } satisfies Partial<Parameters<typeof mirrorMachine.provide>[0]["actors"]>;
}
