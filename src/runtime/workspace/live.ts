/**
 * What a long-lived host adds to a workspace when `watch` is on: the watcher on the synced folder (the modes
 * that sync it up, mailbox and bisync; a mirror's workspace follows the remote, so nothing local is watched) and,
 * in mailbox mode, the cheap poll of the remote `_outbox` that asks for a drain only when something is there. The full cycle at
 * start and on the interval stays the safety net (the unit runs those).
 */
import { mkdir } from "node:fs/promises";
import type { UnitRequest } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import type { HostLogger } from "../unit.js";
import type { WorkspaceHandle } from "./start.js";
import { type Subscribe, type Watching, watchFolder } from "./watch.js";

/** A batch is sent at the latest this long after its first change, however busy the folder stays. */
export const watchMaxWaitMs = 10_000;

export interface LiveOptions {
  config: SyncConfig;
  handle: WorkspaceHandle;
  logger: HostLogger;
  label: string;
  /** Whether a cycle runs or waits (no poll then: the cycle sees the outbox itself). */
  busy: () => boolean;
  request: (request: UnitRequest) => void;
  subscribe?: Subscribe | undefined;
}

export interface Live {
  stop(): Promise<void>;
}

/** The folders the mode's own patterns name (`_inbox/**`, `/.workspace-sync/**`), at the root where they live. */
const rootFolderOf = (pattern: string) => pattern.replace(/^\/+/, "").replace(/\/\*\*$/, "");

export async function startLive(options: LiveOptions): Promise<Live> {
  const { config, handle, logger, label } = options;
  let watching: Watching | null = null;
  const own = handle.ownExcludes;
  if (own !== null) {
    await mkdir(handle.paths.localDir, { recursive: true });
    watching = await watchFolder({
      root: handle.paths.localDir,
      // What the mode's sync of the local folder skips, so what the push (or bisync) would never send.
      ignoreDirs: own.map(rootFolderOf),
      excludes: [...own, ...config.exclude],
      unwatchedExcludes: config.exclude,
      debounceMs: config.watchDebounceMs,
      maxWaitMs: Math.max(config.watchDebounceMs, watchMaxWaitMs),
      send: (batch) => handle.sendChanges(batch),
      warn: (message) => logger.warn(`${label}: ${message}`),
      ...(options.subscribe ? { subscribe: options.subscribe } : {}),
    });
  }
  const poll = startPoll(options);
  return {
    async stop() {
      poll?.stop();
      await watching?.stop();
    },
  };
}

/** The outbox poll: one listing every `outboxPollInterval` seconds while no cycle runs. */
function startPoll(options: LiveOptions): { stop(): void } | null {
  const { config, handle } = options;
  const probe = handle.hasIncoming;
  if (probe === null || config.outboxPollInterval <= 0) return null;
  const abort = new AbortController();
  let looking = false;
  const timer = setInterval(() => {
    if (looking || options.busy()) return;
    looking = true;
    probe(abort.signal)
      .then((found) => {
        if (found && !abort.signal.aborted)
          options.request({ type: "syncRequested", direction: "pull", source: "poll" });
      })
      .catch(() => undefined)
      .finally(() => {
        looking = false;
      });
  }, config.outboxPollInterval * 1000);
  return {
    stop() {
      clearInterval(timer);
      abort.abort();
    },
  };
}
