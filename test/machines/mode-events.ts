/** Event builders for driving the mirror and bisync machines in tests. */
import type { BisyncEvent } from "../../machines/bisync.js";
import type { MirrorEvent } from "../../machines/mirror.js";
import { type Conflict, type ErrorKind, emptyStats, type Halt } from "../../machines/outcomes.js";

const outcome = (transfers = 1) => ({
  stats: { ...emptyStats, transfers },
  changes: [],
  changeCount: transfers,
});
const error = (kind: ErrorKind, what: string) => ({ kind, message: `${what} ${kind}` });
export const halt = (reason: Halt["reason"] = "bulkDelete"): Halt => ({
  reason,
  message: `halt ${reason}`,
  hint: "force",
  operation: "a -> b",
});

type Both = MirrorEvent & BisyncEvent;
export const common = {
  started: (at = 0, attempts = 3, extra: Record<string, unknown> = {}) =>
    ({
      type: "hostStarted",
      at,
      pid: 1,
      retry: { attempts, baseDelayMs: 1000, maxDelayMs: 4000 },
      ...extra,
    }) as Both,
  stopped: (at = 0) => ({ type: "hostStopped", at, pid: 1 }) as Both,
  sync: (at = 0, extra: Partial<Extract<MirrorEvent, { type: "syncRequested" }>> = {}) =>
    ({ type: "syncRequested", at, source: "cli", ...extra }) as Both,
  changes: (at = 0, paths: string[] = ["a.txt"]) => ({ type: "changesSeen", at, paths }) as Both,
  locked: (at = 0) => ({ type: "lockAcquired", at }) as Both,
  lockHeld: (at = 0) => ({ type: "lockHeld", at, error: error("lock-held", "lock") }) as Both,
  bootstrapped: (at = 0) => ({ type: "bootstrapDone", at }) as Both,
  bootstrapFailed: (kind: ErrorKind, at = 0) =>
    ({ type: "bootstrapFailed", at, error: error(kind, "bootstrap") }) as Both,
  retryDue: (at = 0) => ({ type: "retryDue", at }) as Both,
};

export const mirror = {
  ...common,
  ingested: (at = 0): MirrorEvent => ({ type: "ingestDone", at, ...outcome() }),
  ingestFailed: (kind: ErrorKind, at = 0): MirrorEvent => ({
    type: "ingestFailed",
    at,
    error: error(kind, "ingest"),
  }),
  pulled: (at = 0, transfers = 1): MirrorEvent => ({ type: "pullDone", at, ...outcome(transfers) }),
  pullFailed: (kind: ErrorKind, at = 0): MirrorEvent => ({
    type: "pullFailed",
    at,
    error: error(kind, "pull"),
  }),
  pullHalted: (at = 0, reason: Halt["reason"] = "emptySource"): MirrorEvent => ({
    type: "pullHalted",
    at,
    halt: halt(reason),
  }),
  pushed: (at = 0): MirrorEvent => ({ type: "pushDone", at, ...outcome() }),
  pushFailed: (kind: ErrorKind, at = 0): MirrorEvent => ({
    type: "pushFailed",
    at,
    error: error(kind, "push"),
  }),
  pushHalted: (at = 0): MirrorEvent => ({ type: "pushHalted", at, halt: halt() }),
};

export const bisync = {
  ...common,
  synced: (at = 0, conflicts: Conflict[] = [], resynced = false): BisyncEvent => ({
    type: "bisyncDone",
    at,
    ...outcome(),
    conflicts,
    resynced,
    staleLocksRemoved: [],
  }),
  syncFailed: (kind: ErrorKind, at = 0): BisyncEvent => ({
    type: "bisyncFailed",
    at,
    error: error(kind, "bisync"),
  }),
  syncHalted: (at = 0): BisyncEvent => ({ type: "bisyncHalted", at, halt: halt("bulkDelete") }),
  transferred: (at = 0): BisyncEvent => ({ type: "transferDone", at, ...outcome() }),
  transferFailed: (kind: ErrorKind, at = 0): BisyncEvent => ({
    type: "transferFailed",
    at,
    error: error(kind, "transfer"),
  }),
  transferHalted: (at = 0): BisyncEvent => ({ type: "transferHalted", at, halt: halt("emptySource") }),
};
