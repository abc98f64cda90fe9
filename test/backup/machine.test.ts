/** The backup statechart, path by path, through XState's pure transition(): no effect runs. */
import { describe, expect, it } from "vitest";
import { type AnyMachineSnapshot, createActor, fromCallback, initialTransition, transition } from "xstate";
import {
  type BackupContext,
  type BackupEvent,
  backupMachine,
  failureRetryMs,
  type SnapshotSummary,
  snapshotIdAt,
} from "../../machines/backup.js";
import { replay } from "../../src/runtime/logged-actor.js";

const hour = 3_600_000;
const day = 24 * hour;

function run(events: BackupEvent[], from?: AnyMachineSnapshot) {
  let snapshot = from ?? initialTransition(backupMachine)[0];
  for (const event of events) snapshot = transition(backupMachine, snapshot, event)[0];
  return { snapshot, context: snapshot.context as BackupContext };
}

const summary = (id: string): SnapshotSummary => ({
  id,
  time: "2026-01-01T00:00:00.000+00:00",
  object: { name: `${id}.tar.gz.age`, bytes: 100 },
  files: 3,
  bytes: 10,
  skippedCount: 0,
});

const ev = {
  started: (at: number, intervalMs: number | null = day): BackupEvent => ({
    type: "hostStarted",
    at,
    pid: 1,
    intervalMs,
  }),
  request: (at: number, requestId = "r1"): BackupEvent => ({
    type: "backupRequested",
    at,
    requestId,
    source: "cli",
  }),
  due: (at: number): BackupEvent => ({ type: "backupDue", at }),
  uploaded: (at: number, id = "x"): BackupEvent => ({
    type: "uploadDone",
    at,
    manifest: summary(id),
    partial: `${id}.partial`,
  }),
  uploadFailed: (at: number): BackupEvent => ({
    type: "uploadFailed",
    at,
    error: { kind: "fatal", message: "the archive stream failed" },
  }),
  checked: (at: number): BackupEvent => ({ type: "checkDone", at, hashChecked: true }),
  published: (at: number): BackupEvent => ({ type: "publishDone", at }),
  pruned: (at: number, removed: string[] = []): BackupEvent => ({
    type: "pruneDone",
    at,
    removed,
    kept: 1,
    leftoversRemoved: [],
  }),
  pruneFailed: (at: number): BackupEvent => ({
    type: "pruneFailed",
    at,
    error: { kind: "retryable", message: "network" },
  }),
};

const whole = (at: number, id = "x") => [
  ev.uploaded(at + 1, id),
  ev.checked(at + 2),
  ev.published(at + 3),
  ev.pruned(at + 4, ["old"]),
];

describe("backup statechart", () => {
  it("runs archiving → verifying → publishing → pruning → idle and records the backup", () => {
    const steps: unknown[] = [];
    let state = run([ev.started(0), ev.request(10)]);
    steps.push(state.snapshot.value);
    for (const event of whole(10)) {
      state = run([event], state.snapshot);
      steps.push(state.snapshot.value);
    }
    expect(steps).toEqual([
      { running: "archiving" },
      { running: "verifying" },
      { running: "publishing" },
      { running: "pruning" },
      "idle",
    ]);
    expect(state.context.lastBackup).toMatchObject({
      requestIds: ["r1"],
      startedAt: 10,
      finishedAt: 14,
      hashChecked: true,
      prune: { removed: ["old"] },
    });
    expect(state.context.totals).toEqual({ backups: 1, failures: 0, pruned: 1 });
    // The next scheduled backup is one interval after this one started.
    expect(state.context.nextDueAt).toBe(10 + day);
  });

  it("derives the snapshot id from the start time, sortable as time", () => {
    const { context } = run([ev.started(0), ev.request(Date.UTC(2026, 10, 21, 9, 15, 30))]);
    expect(context.current?.id).toMatch(/^20261121T091530Z-[0-9a-f]{4}$/);
    expect(snapshotIdAt(0, "a") < snapshotIdAt(1000, "a")).toBe(true);
  });

  it("schedules from the last backup: due at once the first time, and again after a restart", () => {
    const first = run([ev.started(5)]);
    expect(first.context.nextDueAt).toBe(5);
    const done = run([ev.due(6), ...whole(6)], first.snapshot);
    expect(done.snapshot.value).toBe("idle");
    expect(done.context.lastBackup?.sources).toEqual(["timer"]);
    // A restart (replayed from the log) keeps the deadline: it lives in context.
    const restarted = run([ev.started(7)], done.snapshot);
    expect(restarted.context.nextDueAt).toBe(6 + day);
    const persisted = backupMachine.getPersistedSnapshot(done.snapshot);
    const revived = createActor(backupMachine, { snapshot: persisted as AnyMachineSnapshot }).getSnapshot();
    expect(run([ev.started(8)], revived as AnyMachineSnapshot).context.nextDueAt).toBe(6 + day);
    // Without a schedule there is no deadline, and a due event does nothing.
    const unscheduled = run([ev.started(0, null), ev.due(1)]);
    expect(unscheduled.snapshot.value).toBe("idle");
    expect(unscheduled.context.nextDueAt).toBeNull();
  });

  it("a host start arms the schedule's wait with the new deadline, idle or failed (as the host restores it)", () => {
    const waits: number[] = [];
    const machine = backupMachine.provide({
      actors: {
        waitUntil: fromCallback<BackupEvent, { at: number }>(({ input }) => {
          waits.push(input.at);
          return () => undefined;
        }),
      },
    });
    // As LoggedActor starts: the log replayed and `hostStarted` applied purely, then the actor restored.
    const restore = (events: BackupEvent[]) => {
      let snapshot = initialTransition(machine)[0];
      for (const event of events) snapshot = transition(machine, snapshot, event)[0];
      const actor = createActor(machine, { snapshot: machine.getPersistedSnapshot(snapshot) as never });
      actor.start();
      actor.stop();
    };
    restore([ev.started(5)]);
    expect(waits).toEqual([5]);
    // Overdue after a restart: the wait is for the last start plus the interval, long past, so it fires at once.
    restore([ev.started(5), ev.due(6), ...whole(6), ev.started(6 + 3 * day)]);
    expect(waits.at(-1)).toBe(6 + day);
    restore([ev.started(5), ev.request(6), ev.uploadFailed(7), ev.started(8)]);
    expect(waits.at(-1)).toBe(8);
  });

  it("never runs two backups at once: requests during one are served by one more after it", () => {
    let state = run([ev.started(0), ev.request(1, "a")]);
    for (let i = 0; i < 50; i++) state = run([ev.request(2, `r${i}`), ev.due(2)], state.snapshot);
    expect(state.snapshot.value).toEqual({ running: "archiving" });
    expect(state.context.pending?.requestIds).toHaveLength(50);
    state = run(whole(3), state.snapshot);
    expect(state.snapshot.value).toEqual({ running: "archiving" });
    expect(state.context.current?.requestIds).toHaveLength(50);
    expect(state.context.current?.startedAt).toBe(7);
    state = run(whole(8, "y"), state.snapshot);
    expect(state.snapshot.value).toBe("idle");
    expect(state.context.totals.backups).toBe(2);
  });

  it("fails on a stage failure, retries on the schedule within an hour, and answers the request", () => {
    const failed = run([ev.started(0), ev.request(1), ev.uploadFailed(2)]);
    expect(failed.snapshot.value).toBe("failed");
    expect(failed.context.lastFailure).toMatchObject({ requestIds: ["r1"], at: 2 });
    expect(failed.context.nextDueAt).toBe(2 + failureRetryMs);
    expect(failed.context.abandoned).toHaveLength(1);
    const retried = run([ev.due(2 + failureRetryMs), ...whole(2 + failureRetryMs)], failed.snapshot);
    expect(retried.snapshot.value).toBe("idle");
    expect(retried.context.abandoned).toEqual([]);
  });

  it("serves requests that came during a failed backup with one of their own", () => {
    const state = run([ev.started(0), ev.request(1, "a"), ev.request(2, "b"), ev.uploadFailed(3)]);
    expect(state.snapshot.value).toEqual({ running: "archiving" });
    expect(state.context.current?.requestIds).toEqual(["b"]);
    expect(state.context.lastFailure?.requestIds).toEqual(["a"]);
  });

  it("counts a failed prune as a published backup with a prune error", () => {
    const state = run([
      ev.started(0),
      ev.request(1),
      ev.uploaded(2),
      ev.checked(3),
      ev.published(4),
      ev.pruneFailed(5),
    ]);
    expect(state.snapshot.value).toBe("idle");
    expect(state.context.lastBackup?.pruneError?.message).toBe("network");
    expect(state.context.totals).toMatchObject({ backups: 1, failures: 0 });
  });

  it("treats a backup a dead host left unfinished as failed, due again at once, its objects abandoned", () => {
    const dead = run([ev.started(0), ev.request(1), ev.uploaded(2, "z")]);
    const id = dead.context.current?.id;
    const restarted = run([ev.started(100)], dead.snapshot);
    expect(restarted.snapshot.value).toBe("failed");
    expect(restarted.context.nextDueAt).toBe(100);
    expect(restarted.context.abandoned).toEqual([id]);
    expect(restarted.context.lastFailure?.error.message).toMatch(/host stopped during the backup/);
    // The next backup's prune gets the abandoned ids.
    const next = run([ev.request(101, "n")], restarted.snapshot);
    expect(next.snapshot.value).toEqual({ running: "archiving" });
    const pruning = run([ev.uploaded(102), ev.checked(103), ev.published(104)], next.snapshot);
    expect(pruning.context.abandoned).toEqual([id]);
  });

  it("rebuilds the same state from its log records (replay equals live)", () => {
    const events = [ev.started(0), ev.request(1), ...whole(1), ev.request(9, "b"), ev.uploadFailed(10)];
    const live = run(events);
    const replayed = replay(
      backupMachine,
      null,
      events.map((event, i) => ({ seq: i + 1, at: "", event, state: null })) as never,
    );
    expect(replayed.value).toEqual(live.snapshot.value);
    expect(replayed.context).toEqual(live.context);
  });
});
