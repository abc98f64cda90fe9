/**
 * Where a command runs: in the host that owns the state directory, over its socket, when one runs;
 * otherwise in this process, as a one-shot host under the same lock. A host that holds the lock but
 * does not answer yet (it is starting) is waited for a few seconds before the command gives up.
 */

import type { Resolved } from "../cli/context.js";
import { CliError, ExitCode } from "../cli/errors.js";
import { HostClient, HostError, HostGoneError } from "../ipc/client.js";
import { StateDirBusyError } from "../log/state-dir-lock.js";
import { sleep } from "../util/process.js";

/** How long a command waits for a host that holds the state directory but has no socket yet. */
const busyWaitMs = 10_000;

/** A host error as the one line and exit code a person sees. */
export function toHostCliError(error: unknown): unknown {
  if (error instanceof HostError) {
    const code =
      error.body.code === "refused" || error.body.code === "protocol" ? ExitCode.usage : ExitCode.failed;
    return new CliError(`the running host: ${error.message}`, code);
  }
  if (error instanceof HostGoneError) return new CliError(error.message, ExitCode.failed);
  return error;
}

/**
 * `viaHost` with a client of the running host, or `oneShot` when none runs. `oneShot` takes the
 * state-directory lock; if another process holds it, the host socket is tried again until `busyWaitMs`.
 */
export async function routed<T>(
  resolved: Resolved,
  viaHost: (client: HostClient) => Promise<T>,
  oneShot: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + busyWaitMs;
  for (;;) {
    const client = await HostClient.connect(resolved.stateDir);
    if (client !== null) {
      try {
        return await viaHost(client);
      } catch (error) {
        throw toHostCliError(error);
      } finally {
        client.close();
      }
    }
    try {
      return await oneShot();
    } catch (error) {
      if (!(error instanceof StateDirBusyError) || Date.now() > deadline) throw error;
    }
    await sleep(250);
  }
}

/** `viaHost` when a host runs and serves this workspace; otherwise `offline` (which reads files only). */
export async function readRouted<T>(
  resolved: Resolved,
  viaHost: (client: HostClient) => Promise<T>,
  offline: () => Promise<T>,
): Promise<T> {
  const client = await HostClient.connect(resolved.stateDir).catch(() => null);
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
