/**
 * The mailbox's effects, provided to the pure machine at run time:
 * bootstrap (remote `_outbox`, local `_inbox`), push (`rclone sync` up), drain (`rclone move` of the
 * remote `_outbox` into a staging folder, then a no-overwrite delivery into `_inbox`), and the cycle lock.
 * Each is safe to run again after a crash.
 */
import { mkdir } from "node:fs/promises";
import type { MailboxEvent, mailboxMachine } from "../../../machines/mailbox.js";
import type { FailureReason } from "../../../machines/outcomes.js";
import { deadlineActor, effectActor, type InFlight } from "../../effects/actors.js";
import type { CycleLock } from "../../effects/cycle-lock.js";
import { guardedSync, type OneWaySpec } from "../../effects/guards/one-way-sync.js";
import type { RcloneRun } from "../../effects/rclone-runner.js";
import type { WorkspacePaths } from "../../paths.js";
import { deliverStaged, planDelivery } from "./deliver.js";

export { changePreviewLimit } from "../../effects/guards/one-way-sync.js";

export interface MailboxRuntime {
  paths: WorkspacePaths;
  /** `remote:<remotePath>`, e.g. `cloud:openclaw-share`. */
  remoteRoot: string;
  /** The user's `exclude` patterns. */
  exclude: readonly string[];
  /** True when `localPath` is "" and the tool's own folder sits inside the synced tree. */
  syncsWorkspaceRoot: boolean;
  lock: CycleLock;
  rclone: RcloneRun;
  now: () => number;
  inFlight: InFlight;
  /** Percent of the remote's files one push may delete before it halts (default 50). */
  maxDelete?: number;
}

function pushFilters(runtime: MailboxRuntime): string[] {
  const args = ["--exclude", "_inbox/**", "--exclude", "_outbox/**"];
  if (runtime.syncsWorkspaceRoot) args.push("--exclude", "/.workspace-sync/**");
  for (const pattern of runtime.exclude) args.push("--exclude", pattern);
  return args;
}

/** The push as one guarded one-way sync (see `guardedSync`). */
export function pushSpec(runtime: MailboxRuntime, dryRun: boolean, force = false): OneWaySpec {
  return {
    source: runtime.paths.localDir,
    destination: runtime.remoteRoot,
    filters: pushFilters(runtime),
    dryRun,
    force,
    maxDelete: runtime.maxDelete ?? 50,
  };
}

/** The push's plain `rclone sync` arguments (what the guarded push runs when nothing is to be deleted). */
export function pushArgs(runtime: MailboxRuntime, dryRun: boolean): string[] {
  const spec = pushSpec(runtime, dryRun);
  return ["sync", spec.source, spec.destination, ...spec.filters, ...(dryRun ? ["--dry-run"] : [])];
}

export function drainArgs(runtime: MailboxRuntime): string[] {
  return ["move", `${runtime.remoteRoot}/_outbox`, runtime.paths.stagingDir, "--delete-empty-src-dirs"];
}

function failure(error: unknown): FailureReason {
  return { kind: "fatal", message: error instanceof Error ? error.message : String(error) };
}

export function mailboxEffects(runtime: MailboxRuntime) {
  const { paths, rclone, now, inFlight } = runtime;

  const bootstrap = async (_input: undefined, signal: AbortSignal): Promise<MailboxEvent> => {
    try {
      await mkdir(paths.inboxDir, { recursive: true });
    } catch (error) {
      return { type: "bootstrapFailed", at: now(), error: failure(error) };
    }
    const made = await rclone(["mkdir", `${runtime.remoteRoot}/_outbox`], signal);
    if (!made.ok) return { type: "bootstrapFailed", at: now(), error: made.failure };
    return { type: "bootstrapDone", at: now() };
  };

  const push = async (
    { dryRun, force }: { dryRun: boolean; force: boolean },
    signal: AbortSignal,
  ): Promise<MailboxEvent> => {
    const result = await guardedSync(rclone, pushSpec(runtime, dryRun, force), signal);
    if (result.kind === "failed") return { type: "pushFailed", at: now(), error: result.error };
    if (result.kind === "halted") return { type: "pushHalted", at: now(), halt: result.halt };
    return { type: "pushDone", at: now(), ...result.outcome };
  };

  const drain = async ({ dryRun }: { dryRun: boolean }, signal: AbortSignal): Promise<MailboxEvent> => {
    if (dryRun) {
      const listed = await rclone(["lsf", "-R", "--files-only", `${runtime.remoteRoot}/_outbox`], signal, {
        stdout: "text",
      });
      // Before the first real sync there is no `_outbox` yet: nothing would arrive.
      const missing = !listed.ok && listed.failure.kind === "not-found";
      if (!listed.ok && !missing) return { type: "drainFailed", at: now(), error: listed.failure };
      const names = missing ? [] : listed.stdout.split("\n").filter((line) => line !== "");
      const plan = await planDelivery(names, paths.inboxDir);
      return {
        type: "drainDone",
        at: now(),
        arrivals: plan.map((d) => d.to),
        renamed: plan.filter((d) => d.from !== d.to),
        stats: listed.stats,
      };
    }
    try {
      // The staging folder must exist before the move: into a missing destination, rclone 1.60 moves
      // the remote `_outbox` folder itself away instead of the files in it.
      await mkdir(paths.stagingDir, { recursive: true, mode: 0o700 });
      // Files a crashed drain left in staging are delivered first: they were never in `_inbox`.
      const leftovers = await deliverStaged(paths.stagingDir, paths.inboxDir);
      const moved = await rclone(drainArgs(runtime), signal);
      const delivered = [...leftovers, ...(await deliverStaged(paths.stagingDir, paths.inboxDir))];
      if (!moved.ok) return { type: "drainFailed", at: now(), error: moved.failure };
      return {
        type: "drainDone",
        at: now(),
        arrivals: delivered.map((d) => d.to),
        renamed: delivered.filter((d) => d.from !== d.to),
        stats: moved.stats,
      };
    } catch (error) {
      return { type: "drainFailed", at: now(), error: failure(error) };
    }
  };

  const holdLock = async (): Promise<MailboxEvent> => {
    const result = await runtime.lock.acquire();
    if (result.acquired) return { type: "lockAcquired", at: now() };
    return {
      type: "lockHeld",
      at: now(),
      error: { kind: "lock-held", message: result.description, hint: "wait for that cycle to end" },
    };
  };

  return {
    holdLock: effectActor<undefined, MailboxEvent>(
      holdLock,
      (error) => ({ type: "lockHeld", at: now(), error }),
      inFlight,
      () => runtime.lock.release(),
    ),
    bootstrap: effectActor<undefined, MailboxEvent>(
      bootstrap,
      (error) => ({ type: "bootstrapFailed", at: now(), error }),
      inFlight,
    ),
    push: effectActor(push, (error) => ({ type: "pushFailed", at: now(), error }), inFlight),
    drain: effectActor(drain, (error) => ({ type: "drainFailed", at: now(), error }), inFlight),
    waitUntil: deadlineActor<MailboxEvent>((at) => ({ type: "retryDue", at }), now),
  } satisfies Partial<Parameters<typeof mailboxMachine.provide>[0]["actors"]>;
}
