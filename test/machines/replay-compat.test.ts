/**
 * Logs written by earlier machines replay through today's to the same state and context: users' event logs
 * and checkpoints outlive a refactor of `machines/`.
 *
 * The fixtures were recorded once, with the machines as they were before the shared sync-cycle skeleton
 * (main at bae7cff). Per machine: a hand-written log through the rules that depend on the context (halts
 * kept or cleared, dry runs, coalescing, retries, a host restart mid-cycle, bisync's resync), then seeded
 * random walks over its events, biased to transitions not yet taken in a context not yet seen; together they
 * take every transition the machine defines. Each log holds its events, the state value and a digest of the
 * context after each event, the final context, and for some a persisted snapshot (a checkpoint) part-way.
 * Never regenerate them from the current machines: they are the earlier machines' answers.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventObject,
  initialTransition,
  type Snapshot,
  transition,
} from "xstate";
import { backupMachine } from "../../machines/backup.js";
import { bisyncMachine } from "../../machines/bisync.js";
import { mailboxMachine } from "../../machines/mailbox.js";
import { mirrorMachine } from "../../machines/mirror.js";

interface RecordedLog {
  events: EventObject[];
  /** The state value after each event. */
  states: unknown[];
  /** A digest of the context after each event (`digest` below). */
  contexts: string[];
  /** The persisted snapshot after the first `after` events, as a log's checkpoint holds it. */
  checkpoint?: { after: number; snapshot: Snapshot<unknown> };
  final: { state: unknown; context: unknown };
}

interface Fixture {
  machine: string;
  logs: RecordedLog[];
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, item]) => [key, canonical(item)]));
  }
  return value;
}

/** The context as JSON with sorted keys, hashed: what the fixtures hold for every step. */
function digest(context: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(context)))
    .digest("hex")
    .slice(0, 16);
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Context fields added since the fixtures were recorded, each derived from the events like the rest (the
 * earlier machine had no answer for them): every other field must still match exactly. `failedInARow`:
 * the failed attempts since the last real success (failure alerts survive a restart); the machines tests
 * check it on its own.
 */
const addedSince = ["failedInARow"];

function withoutAdded(context: unknown): unknown {
  if (context === null || typeof context !== "object" || Array.isArray(context)) return context;
  return Object.fromEntries(Object.entries(context).filter(([key]) => !addedSince.includes(key)));
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
}

const machines: [string, AnyStateMachine][] = [
  ["mailbox", mailboxMachine],
  ["mirror", mirrorMachine],
  ["bisync", bisyncMachine],
  ["backup", backupMachine],
];

for (const [name, machine] of machines) {
  describe(`${name}: logs recorded by the earlier machine`, () => {
    const { machine: recordedBy, logs } = fixture(name);

    it("are this machine's, and there are some", () => {
      expect(recordedBy).toBe(name);
      expect(logs.length).toBeGreaterThan(0);
    });

    logs.forEach((log, index) => {
      it(`log ${index + 1}: each of its ${log.events.length} events lands in the recorded state and context`, () => {
        let snapshot: AnyMachineSnapshot = initialTransition(machine)[0];
        log.events.forEach((event, step) => {
          snapshot = transition(machine, snapshot, event)[0];
          const seen = {
            step,
            event: event.type,
            state: json(snapshot.value),
            context: digest(withoutAdded(snapshot.context)),
          };
          expect(seen).toEqual({
            step,
            event: event.type,
            state: log.states[step],
            context: log.contexts[step],
          });
        });
        expect(json(snapshot.value)).toEqual(log.final.state);
        expect(json(withoutAdded(snapshot.context))).toEqual(log.final.context);
      });

      const { checkpoint } = log;
      if (checkpoint === undefined) return;
      it(`log ${index + 1}: its checkpoint restores, and the rest of the log replays to the same end`, () => {
        // The host's recovery: the newest checkpoint, then the records after it.
        let snapshot: AnyMachineSnapshot = createActor(machine, {
          snapshot: checkpoint.snapshot,
        }).getSnapshot();
        expect(json(snapshot.value)).toEqual(log.states[checkpoint.after - 1]);
        expect(digest(withoutAdded(snapshot.context))).toBe(log.contexts[checkpoint.after - 1]);
        for (const event of log.events.slice(checkpoint.after)) {
          snapshot = transition(machine, snapshot, event)[0];
        }
        expect(json(snapshot.value)).toEqual(log.final.state);
        expect(json(withoutAdded(snapshot.context))).toEqual(log.final.context);
      });
    });
  });
}
