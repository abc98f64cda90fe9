/**
 * The mailbox's effects, provided to the pure machine at run time:
 * bootstrap (remote `_outbox`, local `_inbox`), push (`rclone sync` up), drain (settled files copied from
 * the remote `_outbox` into a staging folder, verified, delivered into `_inbox` without replacing anything,
 * then deleted from `_outbox`: `drain.ts`), and the cycle lock.
 * Each is safe to run again after a crash.
 */
import { mkdir } from "node:fs/promises";
import type { MailboxEvent, mailboxMachine } from "../../../machines/mailbox.js";
import { effectActor } from "../../effects/actors.js";
import { guardedSync, type OneWaySpec } from "../../effects/guards/one-way-sync.js";
import { failure, lockActor, retryTimer, type SharedEvents } from "../../effects/shared.js";
import type { EffectKit } from "../types.js";
import { planDelivery } from "./deliver.js";
import { drainOutbox } from "./drain.js";

/** What the mailbox's rclone commands are made of. */
type Where = Pick<EffectKit, "config" | "paths" | "remoteRoot">;

function pushFilters({ config, paths }: Where): string[] {
  const args = ["--exclude", "_inbox/**", "--exclude", "_outbox/**"];
  // The synced folder is the workspace root (any spelling of it): the tool's own folder sits inside it.
  if (paths.toolDirInSync !== null) args.push("--exclude", `/${paths.toolDirInSync}/**`);
  for (const pattern of config.exclude) args.push("--exclude", pattern);
  return args;
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

/** The push's plain `rclone sync` arguments (what the guarded push runs when nothing is to be deleted). */
export function pushArgs(where: Where, dryRun: boolean): string[] {
  const spec = pushSpec(where, dryRun);
  return ["sync", spec.source, spec.destination, ...spec.filters, ...(dryRun ? ["--dry-run"] : [])];
}

/** The plain rclone a drain stands in for (a `move` of `_outbox` into staging): the bench's baseline. */
export function drainArgs(where: Where): string[] {
  return ["move", `${where.remoteRoot}/_outbox`, where.paths.stagingDir, "--delete-empty-src-dirs"];
}

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
    { dryRun, force }: { dryRun: boolean; force: boolean },
    signal: AbortSignal,
  ): Promise<MailboxEvent> => {
    const result = await guardedSync(rclone, pushSpec(kit, dryRun, force), signal);
    if (result.kind === "failed") return { type: "pushFailed", at: now(), error: result.error };
    if (result.kind === "halted") return { type: "pushHalted", at: now(), halt: result.halt };
    return { type: "pushDone", at: now(), ...result.outcome };
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
    waitUntil: retryTimer(now, events),
  } satisfies Partial<Parameters<typeof mailboxMachine.provide>[0]["actors"]>;
}
