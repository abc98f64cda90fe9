/** Event builders for driving the mailbox machine in tests. */
import type { MailboxEvent } from "../../machines/mailbox.js";
import { type ErrorKind, emptyStats, type Halt } from "../../machines/outcomes.js";

export const ev = {
  started: (at = 0, attempts = 3): MailboxEvent => ({
    type: "hostStarted",
    at,
    pid: 1,
    retry: { attempts, baseDelayMs: 1000, maxDelayMs: 4000 },
  }),
  stopped: (at = 0): MailboxEvent => ({ type: "hostStopped", at, pid: 1 }),
  sync: (at = 0, extra: Partial<Extract<MailboxEvent, { type: "syncRequested" }>> = {}): MailboxEvent => ({
    type: "syncRequested",
    at,
    source: "cli",
    ...extra,
  }),
  /** What the host's watcher saw (`all`: it lost track). */
  changes: (at = 0, paths: string[] = ["a.txt"], all = false): MailboxEvent => ({
    type: "changesSeen",
    at,
    paths,
    ...(all ? { all: true, why: "watcher: overflow" } : {}),
  }),
  locked: (at = 0): MailboxEvent => ({ type: "lockAcquired", at }),
  lockHeld: (at = 0): MailboxEvent => ({
    type: "lockHeld",
    at,
    error: { kind: "lock-held", message: "held" },
  }),
  bootstrapped: (at = 0): MailboxEvent => ({ type: "bootstrapDone", at }),
  bootstrapFailed: (kind: ErrorKind, at = 0): MailboxEvent => ({
    type: "bootstrapFailed",
    at,
    error: { kind, message: `bootstrap ${kind}` },
  }),
  pushed: (at = 0, transfers = 1): MailboxEvent => ({
    type: "pushDone",
    at,
    stats: { ...emptyStats, transfers },
    changes: [],
    changeCount: transfers,
  }),
  pushHalted: (at = 0, reason: Halt["reason"] = "bulkDelete"): MailboxEvent => ({
    type: "pushHalted",
    at,
    halt: { reason, message: `halt ${reason}`, hint: "force", operation: "a -> b" },
  }),
  pushFailed: (kind: ErrorKind, at = 0): MailboxEvent => ({
    type: "pushFailed",
    at,
    error: { kind, message: `push ${kind}` },
  }),
  drained: (at = 0, arrivals: string[] = []): MailboxEvent => ({
    type: "drainDone",
    at,
    arrivals,
    renamed: [],
    stats: emptyStats,
  }),
  drainFailed: (kind: ErrorKind, at = 0): MailboxEvent => ({
    type: "drainFailed",
    at,
    error: { kind, message: `drain ${kind}` },
  }),
  retryDue: (at = 0): MailboxEvent => ({ type: "retryDue", at }),
  /** A person's one-way pull (`sync --direction pull`): its outcomes. */
  pulled: (at = 0, transfers = 1): MailboxEvent => ({
    type: "pullDone",
    at,
    stats: { ...emptyStats, transfers },
    changes: [],
    changeCount: transfers,
  }),
  pullHalted: (at = 0): MailboxEvent => ({
    type: "pullHalted",
    at,
    halt: { reason: "emptySource", message: "halt emptySource", hint: "force", operation: "b -> a" },
  }),
  pullFailed: (kind: ErrorKind, at = 0): MailboxEvent => ({
    type: "pullFailed",
    at,
    error: { kind, message: `pull ${kind}` },
  }),
};
