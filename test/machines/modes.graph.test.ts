/** Every state and transition of the mirror and bisync statecharts, reached from a fixed alphabet. */
import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { type BisyncContext, type BisyncEvent, bisyncMachine } from "../../machines/bisync.js";
import { type MirrorContext, type MirrorEvent, mirrorMachine } from "../../machines/mirror.js";
import { allNodes, cycleKey, explore } from "./coverage.js";
import { bisync, mirror } from "./mode-events.js";

const mirrorAlphabet: MirrorEvent[] = [
  mirror.started(0, 2, { ingest: true }),
  mirror.started(0, 2, { ingest: false }),
  mirror.stopped(),
  mirror.sync(0),
  mirror.sync(0, { direction: "push" }),
  mirror.sync(0, { direction: "pull" }),
  mirror.sync(0, { dryRun: true }),
  mirror.sync(0, { force: true }),
  mirror.changes(0),
  mirror.locked(),
  mirror.lockHeld(),
  mirror.bootstrapped(),
  mirror.bootstrapFailed("fatal"),
  mirror.bootstrapFailed("retryable"),
  mirror.ingested(),
  mirror.ingestFailed("not-found"),
  mirror.ingestFailed("fatal"),
  mirror.pulled(),
  mirror.pullFailed("retryable"),
  mirror.pullFailed("auth"),
  mirror.pullHalted(),
  mirror.pushed(),
  mirror.pushFailed("retryable"),
  mirror.pushFailed("fatal"),
  mirror.pushHalted(),
  mirror.retryDue(),
];

const bisyncAlphabet: BisyncEvent[] = [
  bisync.started(0, 2),
  bisync.stopped(),
  bisync.sync(0),
  bisync.sync(0, { resync: true }),
  bisync.sync(0, { direction: "push" }),
  bisync.sync(0, { direction: "pull" }),
  bisync.sync(0, { dryRun: true }),
  bisync.changes(0),
  bisync.locked(),
  bisync.lockHeld(),
  bisync.bootstrapped(),
  bisync.bootstrapFailed("retryable"),
  bisync.bootstrapFailed("fatal"),
  bisync.synced(0),
  bisync.syncFailed("needs-resync"),
  bisync.syncFailed("retryable"),
  bisync.syncFailed("fatal"),
  bisync.syncHalted(),
  bisync.transferred(),
  bisync.transferFailed("retryable"),
  bisync.transferFailed("fatal"),
  bisync.transferHalted(),
  bisync.retryDue(),
];

const cases = [
  {
    name: "mirror",
    machine: mirrorMachine,
    alphabet: mirrorAlphabet as { type: string }[],
    key: (s: AnyMachineSnapshot) => {
      const c = s.context as MirrorContext;
      return cycleKey(s, { b: c.bootstrapped, i: c.ingestEnabled });
    },
    rests: ["idle", "recovering", "failed", "halted"],
    steps: ["locking", "bootstrapping", "ingesting", "pulling", "pushing"],
  },
  {
    name: "bisync",
    machine: bisyncMachine,
    alphabet: bisyncAlphabet as { type: string }[],
    key: (s: AnyMachineSnapshot) => {
      const c = s.context as BisyncContext;
      return cycleKey(s, { b: c.bootstrapped, resync: c.resyncNeeded !== null });
    },
    rests: ["idle", "recovering", "failed", "halted", "needsResync"],
    steps: ["locking", "bootstrapping", "syncing", "transferring"],
  },
];

for (const { name, machine, alphabet, key, rests, steps } of cases) {
  describe(`${name} statechart coverage`, () => {
    const coverage = explore(machine, alphabet, key);

    it("reaches every state node", () => {
      const missing = allNodes(machine.root)
        .map((n) => n.id)
        .filter((id) => !coverage.reachedNodes.has(id) && id !== `${name}.running.done`);
      expect(missing).toEqual([]);
      const values = new Set(coverage.snapshots.map((s) => JSON.stringify(s.value)));
      for (const rest of rests) expect(values).toContain(JSON.stringify(rest));
      for (const step of steps) expect(values).toContain(JSON.stringify({ running: step }));
    });

    it("takes every transition the machine defines", () => {
      expect(coverage.defined.filter((k) => !coverage.taken.has(k))).toEqual([]);
      expect(coverage.defined.length).toBeGreaterThan(25);
    });
  });
}
