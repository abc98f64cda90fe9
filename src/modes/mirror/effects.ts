/**
 * The mirror mode's effects: bootstrap (the local folders), the ingest copy up (additive), the mirror
 * pull (remote → local) and the one-shot push (local → remote), both behind the deletion guards.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { MirrorEvent, MirrorStepInput, mirrorMachine } from "../../../machines/mirror.js";
import { effectActor, type InFlight } from "../../effects/actors.js";
import type { CycleLock } from "../../effects/cycle-lock.js";
import { guardedSync, type OneWaySpec, toOutcome } from "../../effects/guards/one-way-sync.js";
import type { RcloneRun } from "../../effects/rclone-runner.js";
import { failure, lockActor, retryTimer, type SharedEvents } from "../../effects/shared.js";

export interface MirrorRuntime {
  localDir: string;
  /** `remote:<remotePath>`. */
  remoteRoot: string;
  exclude: readonly string[];
  syncsWorkspaceRoot: boolean;
  /** The ingest folder, relative to the synced folder (`inbox`), or null when ingest is off. */
  ingestPath: string | null;
  maxDelete: number;
  lock: CycleLock;
  rclone: RcloneRun;
  now: () => number;
  inFlight: InFlight;
}

/** Filters of both one-way syncs: the tool's folder, the ingest folder (never mirrored), the user's. */
export function mirrorFilters(
  runtime: Pick<MirrorRuntime, "syncsWorkspaceRoot" | "ingestPath" | "exclude">,
): string[] {
  const args: string[] = [];
  if (runtime.syncsWorkspaceRoot) args.push("--exclude", "/.workspace-sync/**");
  if (runtime.ingestPath !== null) args.push("--exclude", `/${runtime.ingestPath}/**`);
  for (const pattern of runtime.exclude) args.push("--exclude", pattern);
  return args;
}

export function pullSpec(runtime: MirrorRuntime, input: MirrorStepInput): OneWaySpec {
  return {
    source: runtime.remoteRoot,
    destination: runtime.localDir,
    filters: mirrorFilters(runtime),
    maxDelete: runtime.maxDelete,
    ...input,
  };
}

export function pushSpec(runtime: MirrorRuntime, input: MirrorStepInput): OneWaySpec {
  return { ...pullSpec(runtime, input), source: runtime.localDir, destination: runtime.remoteRoot };
}

/**
 * The ingest copy: additive (`copy`, never `sync`), and `--update` so a newer remote version is never
 * replaced. Nothing on the remote is ever deleted by it.
 */
export function ingestArgs(runtime: MirrorRuntime, ingestPath: string, dryRun: boolean): string[] {
  const args = [
    "copy",
    join(runtime.localDir, ingestPath),
    `${runtime.remoteRoot}/${ingestPath}`,
    "--update",
  ];
  for (const pattern of runtime.exclude) args.push("--exclude", pattern);
  if (dryRun) args.push("--dry-run");
  return args;
}

export function mirrorEffects(runtime: MirrorRuntime) {
  const { rclone, now, inFlight } = runtime;
  const at = () => ({ at: now() });

  const bootstrap = async (): Promise<MirrorEvent> => {
    try {
      await mkdir(runtime.localDir, { recursive: true });
      if (runtime.ingestPath !== null)
        await mkdir(join(runtime.localDir, runtime.ingestPath), { recursive: true });
      return { type: "bootstrapDone", ...at() };
    } catch (error) {
      return { type: "bootstrapFailed", ...at(), error: failure(error) };
    }
  };

  const ingest = async ({ dryRun }: MirrorStepInput, signal: AbortSignal): Promise<MirrorEvent> => {
    if (runtime.ingestPath === null) return { type: "ingestDone", ...at(), ...toOutcome([]) };
    const result = await rclone(ingestArgs(runtime, runtime.ingestPath, dryRun), signal);
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
      const result = await guardedSync(rclone, spec(runtime, input), signal);
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
    holdLock: lockActor(runtime.lock, now, inFlight, events),
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
