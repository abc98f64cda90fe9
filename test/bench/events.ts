/**
 * A realistic mailbox history: the events a host logs over many timer cycles, driven through the pure
 * machine so every record carries the state it led to and checkpoints hold real persisted snapshots.
 */
import { type AnyMachineSnapshot, initialTransition, transition } from "xstate";
import { type MailboxEvent, mailboxMachine } from "../../machines/mailbox.js";
import type { FileChange, TransferStats } from "../../machines/outcomes.js";
import type { LogRecord } from "../../src/log/event-log.js";

type LogEvent = LogRecord["event"];

export interface HistoryStep {
  /** The event as the host logs it (a plain JSON object with a `type`). */
  event: LogEvent;
  /** `snapshot.value` after the event, as the host logs it. */
  state: unknown;
  /** The persisted snapshot after the event (what a checkpoint stores). */
  persisted: () => unknown;
}

const MINUTE = 60_000;

function stats(n: number, transfers: number): TransferStats {
  return {
    bytes: transfers * (1024 + (n % 3072)),
    transfers,
    deletes: n % 17 === 0 ? 1 : 0,
    checks: 10_000 - transfers,
    renames: 0,
    errors: 0,
    elapsedSeconds: 0.4 + (n % 10) / 10,
  };
}

function changes(n: number, count: number): FileChange[] {
  return Array.from({ length: count }, (_, k) => ({
    path: `d0${(n + k) % 10}/s0${k % 10}/f${String((n * 7 + k) % 100).padStart(3, "0")}.md`,
    action: k % 9 === 0 ? "copied" : "updated",
  }));
}

/** The events of cycle `n` (the first one also bootstraps), each stamped from `at`. */
function cycleEvents(n: number, at: number): MailboxEvent[] {
  const pushed = n % 5 === 0 ? 3 + (n % 7) : n % 3;
  const arrived = n % 11 === 0 ? [`shared/_inbox/report-${n}.md`] : [];
  const events: MailboxEvent[] = [
    { type: "syncRequested", at, requestId: `timer-${n}`, source: "timer", direction: "both", dryRun: false },
    { type: "lockAcquired", at: at + 3 },
  ];
  if (n === 0) events.push({ type: "bootstrapDone", at: at + 40 });
  events.push(
    {
      type: "pushDone",
      at: at + 700,
      stats: stats(n, pushed),
      changes: changes(n, pushed),
      changeCount: pushed,
    },
    { type: "drainDone", at: at + 950, arrivals: arrived, renamed: [], stats: stats(n + 1, arrived.length) },
  );
  return events;
}

/** An endless history: `hostStarted`, then one timer cycle a minute. */
export function* mailboxHistory(start = Date.UTC(2026, 0, 1)): Generator<HistoryStep> {
  let snapshot: AnyMachineSnapshot = initialTransition(mailboxMachine)[0];
  const step = (event: MailboxEvent): HistoryStep => {
    snapshot = transition(mailboxMachine, snapshot, event)[0];
    const taken = snapshot;
    const logged: LogEvent = { ...(event as Record<string, unknown>), type: event.type };
    return {
      event: logged,
      state: taken.value,
      persisted: () => mailboxMachine.getPersistedSnapshot(taken),
    };
  };
  yield step({
    type: "hostStarted",
    at: start,
    pid: 4242,
    retry: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 300_000 },
  });
  for (let n = 0; ; n++) {
    for (const event of cycleEvents(n, start + (n + 1) * MINUTE)) yield step(event);
  }
}

/** Takes the next `count` steps. */
export function take(history: Iterator<HistoryStep>, count: number): HistoryStep[] {
  const out: HistoryStep[] = [];
  for (let i = 0; i < count; i++) {
    const next = history.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}
