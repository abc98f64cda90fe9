/**
 * The mailbox's effects, provided to the pure machine at run time:
 * bootstrap (remote `_outbox`, local `_inbox`), push (`rclone sync` up), drain (settled files copied from
 * the remote `_outbox` into a staging folder, verified, delivered into `_inbox` without replacing anything,
 * then deleted from `_outbox`: `drain.ts`), and the cycle lock.
 * Each is safe to run again after a crash.
 */
import { mkdir } from "node:fs/promises";
import type { GuardedInput, MailboxEvent, mailboxMachine, PushInput } from "../../../machines/mailbox.js";
import { effectActor } from "../../effects/actors.js";
import { guardedSync, type OneWaySpec } from "../../effects/guards/one-way-sync.js";
import { failure, lockActor, retryTimer, type SharedEvents } from "../../effects/shared.js";
import type { WorkspacePaths } from "../../paths.js";
import type { EffectKit } from "../types.js";
import { writeChangedPathsFilter } from "./changes.js";
import { planDelivery } from "./deliver.js";
import { drainOutbox } from "./drain.js";

/** What the mailbox's rclone commands are made of. */
type Where = Pick<EffectKit, "config" | "paths" | "remoteRoot">;

/** The push's own excludes: the mailbox folders, and the tool's folder when it lies in the synced one. */
export function mailboxOwnExcludes(paths: Pick<WorkspacePaths, "toolDirInSync">): string[] {
  const patterns = ["_inbox/**", "_outbox/**"];
  // The synced folder is the workspace root (any spelling of it): the tool's own folder sits inside it.
  if (paths.toolDirInSync !== null) patterns.push(`/${paths.toolDirInSync}/**`);
  return patterns;
}

function pushFilters({ config, paths }: Where): string[] {
  return [...mailboxOwnExcludes(paths), ...config.exclude].flatMap((pattern) => ["--exclude", pattern]);
}

/** The push as one guarded one-way sync (see `guardedSync`). */
export function pushSpec(where: Where, dryRun: boolean, force = false): OneWaySpec {
  return {
    source: where.paths.localDir,
    destination: where.remoteRoot,
    filters: pushFilters(where),
    dryRun,
    force,
    maxDelete: where.config.maxDelete,
  };
}

/**
 * A person's one-way pull (`sync --direction pull`): the push turned around, with the push's filters, so it
 * never touches `_inbox`, `_outbox` or the tool's own folder, and deletes only what a push would have sent.
 */
export function pullSpec(where: Where, dryRun: boolean, force: boolean): OneWaySpec {
  const push = pushSpec(where, dryRun, force);
  return { ...push, source: push.destination, destination: push.source };
}

/** The push's plain `rclone sync` arguments (what the guarded push runs when nothing is to be deleted). */
export function pushArgs(where: Where, dryRun: boolean): string[] {
  const spec = pushSpec(where, dryRun);
  return ["sync", spec.source, spec.destination, ...spec.filters, ...(dryRun ? ["--dry-run"] : [])];
}

/** The plain rclone a drain stands in for (a `move` of `_outbox` into staging): the bench's baseline. */
export function drainArgs(where: Where): string[] {
  return ["move", `${where.remoteRoot}/_outbox`, where.paths.stagingDir, "--delete-empty-src-dirs"];
}

/** One listing of the remote `_outbox`: whether a drain would find anything (a failed look finds nothing). */
export async function outboxHasFiles(kit: EffectKit, signal: AbortSignal): Promise<boolean> {
  const args = ["lsf", "-R", "--files-only", `${kit.remoteRoot}/_outbox`];
  const listed = await kit.rclone(args, signal, { stdout: "text" });
  return listed.ok && listed.stdout.trim() !== "";
}

const nothingPushed = {
  stats: { bytes: 0, transfers: 0, deletes: 0, checks: 0, renames: 0, errors: 0, elapsedSeconds: 0 },
  changes: [],
  changeCount: 0,
};

export function mailboxEffects(kit: EffectKit) {
  const { paths, rclone, now, inFlight } = kit;
  const bootstrap = async (_input: undefined, signal: AbortSignal): Promise<MailboxEvent> => {
    try {
      await mkdir(paths.inboxDir, { recursive: true });
    } catch (error) {
      return { type: "bootstrapFailed", at: now(), error: failure(error) };
    }
    const made = await rclone(["mkdir", `${kit.remoteRoot}/_outbox`], signal);
    if (!made.ok) return { type: "bootstrapFailed", at: now(), error: made.failure };
    return { type: "bootstrapDone", at: now() };
  };

  const push = async (
    { dryRun, force, paths: changed }: PushInput,
    signal: AbortSignal,
  ): Promise<MailboxEvent> => {
    const whole = pushSpec(kit, dryRun, force);
    let result: Awaited<ReturnType<typeof guardedSync>>;
    if (changed === null) result = await guardedSync(rclone, whole, signal);
    else if (changed.length === 0) result = { kind: "done", outcome: nothingPushed };
    else {
      // Only what the watcher saw change; a deletion among them is judged as a full push would judge it.
      await mkdir(paths.toolDir, { recursive: true, mode: 0o700 });
      const filter = await writeChangedPathsFilter(paths.toolDir, paths.localDir, changed);
      const narrow = { ...whole, filters: [...whole.filters, "--filter-from", filter] };
      result = await guardedSync(rclone, narrow, signal, whole);
    }
    if (result.kind === "failed") return { type: "pushFailed", at: now(), error: result.error };
    if (result.kind === "halted") return { type: "pushHalted", at: now(), halt: result.halt };
    const scope = changed === null ? {} : { changedPaths: changed.length };
    return { type: "pushDone", at: now(), ...result.outcome, ...scope };
  };

  const drain = async ({ dryRun }: { dryRun: boolean }, signal: AbortSignal): Promise<MailboxEvent> => {
    if (dryRun) {
      const listed = await rclone(["lsf", "-R", "--files-only", `${kit.remoteRoot}/_outbox`], signal, {
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
        renamed: plan
          .filter((d) => d.from !== d.to)
          .map(({ from, to, why }) => (why ? { from, to, why } : { from, to })),
        stats: listed.stats,
      };
    }
    return drainOutbox(kit, signal);
  };

  const pull = async ({ dryRun, force }: GuardedInput, signal: AbortSignal): Promise<MailboxEvent> => {
    const result = await guardedSync(rclone, pullSpec(kit, dryRun, force), signal);
    if (result.kind === "failed") return { type: "pullFailed", at: now(), error: result.error };
    if (result.kind === "halted") return { type: "pullHalted", at: now(), halt: result.halt };
    return { type: "pullDone", at: now(), ...result.outcome };
  };

  const events: SharedEvents<MailboxEvent> = {
    lockAcquired: (at) => ({ type: "lockAcquired", at }),
    lockHeld: (at, error) => ({ type: "lockHeld", at, error }),
    retryDue: (at) => ({ type: "retryDue", at }),
  };

  return {
    holdLock: lockActor(kit.lock, now, inFlight, events),
    bootstrap: effectActor<undefined, MailboxEvent>(
      bootstrap,
      (error) => ({ type: "bootstrapFailed", at: now(), error }),
      inFlight,
    ),
    push: effectActor(push, (error) => ({ type: "pushFailed", at: now(), error }), inFlight),
    drain: effectActor(drain, (error) => ({ type: "drainFailed", at: now(), error }), inFlight),
    pull: effectActor(pull, (error) => ({ type: "pullFailed", at: now(), error }), inFlight),
    waitUntil: retryTimer(now, events),
  } satisfies Partial<Parameters<typeof mailboxMachine.provide>[0]["actors"]>;
}
