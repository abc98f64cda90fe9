/**
 * Where a command's unit runs: in the host that owns the state directory, over its socket, when one runs;
 * otherwise in this process, in a one-shot host (the same `Host`, without socket or timers) under the same
 * lock. Either way the command holds a `UnitHandle`: a command is "arguments → unit → print". A host that
 * holds the lock but does not answer yet (it is starting) is waited for a few seconds before giving up.
 */
import { HostClient, HostError, HostGoneError } from "../ipc/client.js";
import { StateDirBusyError } from "../log/state-dir-lock.js";
import type { Scope } from "../runtime/scope.js";
import type { UnitHandle } from "../runtime/unit.js";
import { signalExitCode, stopChildGroups } from "../util/child-groups.js";
import { sleep } from "../util/process.js";
import { Host } from "./host.js";
import { RemoteUnit, type UnitRef } from "./remote-unit.js";

/**
 * Which host serves a command: the running `daemon` (the long-lived host, which retries a failed cycle on its
 * backoff) or a `one-shot` host in this process (no timers: nothing retries once the command ends).
 */
export type Serving = "daemon" | "one-shot";

/** How long a command waits for a host that holds the state directory but has no socket yet. */
const busyWaitMs = 10_000;
/** On SIGINT/SIGTERM, how long the one-shot host gets to stop, then rclone's grace before SIGKILL: under 5 s in all. */
const interruptStopMs = 2_000;
const interruptGraceMs = 1_500;

export interface OneShotOptions {
  /**
   * Told to the person when SIGINT or SIGTERM stops the one-shot host ("interrupted; the next run
   * resumes"); the process then exits 130 (SIGINT) or 143 (SIGTERM).
   */
  interrupted: string;
  warn(message: string): void;
  env?: NodeJS.ProcessEnv;
  /** A backup's leftover grace period (`WORKSPACE_SYNC_BACKUP_GRACE_SECONDS`, which tests shorten). */
  backupLeftoverGraceMs?: number;
}

/** `use` with the unit `ref` names in a one-shot host in this process: the state directory is ours until it returns. */
export async function inProcess<T>(
  scope: Scope,
  ref: UnitRef,
  use: (unit: UnitHandle) => Promise<T>,
  options: OneShotOptions,
): Promise<T> {
  const env = options.env ?? process.env;
  const host = await Host.start({
    stateDir: scope.stateDir,
    config: scope.loaded,
    workspaces: [scope.workspace],
    env,
    command: process.argv.slice(1).join(" "),
    listen: false,
    timers: false,
    startUnits: false,
    logger: { info: () => undefined, warn: (m) => options.warn(m), error: (m) => options.warn(m) },
    ...(options.backupLeftoverGraceMs === undefined
      ? {}
      : { backupLeftoverGraceMs: options.backupLeftoverGraceMs }),
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    options.warn(`${signal}: ${options.interrupted}`);
    // Bounded: the host's stop ends its rclone runs; whatever it has not ended by then is killed.
    void Promise.race([host.stop().catch(() => undefined), sleep(interruptStopMs)])
      .then(() => stopChildGroups(interruptGraceMs))
      .finally(() => process.exit(signalExitCode(signal)));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  // After an interrupt the command's own outcome (the unit stopped under it: "Actor terminated...") is
  // not reported: the signal handler ends the process.
  const untilExit = new Promise<never>(() => undefined);
  try {
    const result = await use(await host.unitFor(ref)).catch((error: unknown) => {
      if (interrupted) return untilExit;
      throw error;
    });
    return interrupted ? untilExit : result;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await host.stop();
  }
}

/**
 * `use` with the unit `ref` names (and which host serves it): the running host's, else a one-shot host's. The one-shot host takes the
 * state-directory lock; if another process holds it, the socket is tried again until `busyWaitMs`.
 */
export async function withUnit<T>(
  scope: Scope,
  ref: UnitRef,
  use: (unit: UnitHandle, serving: Serving) => Promise<T>,
  options: OneShotOptions,
): Promise<T> {
  const deadline = Date.now() + busyWaitMs;
  for (;;) {
    const client = await HostClient.connect(scope.stateDir);
    if (client !== null) {
      try {
        return await use(new RemoteUnit(client, ref), "daemon");
      } finally {
        client.close();
      }
    }
    try {
      return await inProcess(scope, ref, (unit) => use(unit, "one-shot"), options);
    } catch (error) {
      if (!(error instanceof StateDirBusyError) || Date.now() > deadline) throw error;
    }
    await sleep(250);
  }
}

/** `viaHost` when a host runs and serves this workspace; otherwise `offline` (which reads files only). */
export async function readRouted<T>(
  scope: Scope,
  viaHost: (client: HostClient) => Promise<T>,
  offline: () => Promise<T>,
): Promise<T> {
  const client = await HostClient.connect(scope.stateDir).catch(() => null);
  if (client === null) return offline();
  try {
    return await viaHost(client);
  } catch (error) {
    // A host that does not serve this workspace (or is stopping): the log on disk still answers.
    if (error instanceof HostError || error instanceof HostGoneError) return offline();
    throw error;
  } finally {
    client.close();
  }
}
