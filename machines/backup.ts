/**
 * The backup statechart: one backup at a time, on request (`backup now`) or when its interval is due.
 *
 * A backup streams the snapshot to a partial object (`archiving`), checks it on the remote (`verifying`),
 * publishes it with its manifest written last (`publishing`), then applies retention (`pruning`). Pure:
 * effects are inert placeholder actors provided by the host; every outcome is an event carrying `at`;
 * the next due time lives in context and is awaited by the invoked `waitUntil` actor, so it survives a
 * restart (`hostStarted` re-enters the resting state, so the wait starts again with the new deadline).
 * A backup a dead host left unfinished counts as failed and is due again at once; the next prune removes
 * what it uploaded.
 */
import { assertEvent, assign, setup } from "xstate";
import {
  type BackupContext,
  type BackupEvent,
  type BackupRecord,
  backupFailed,
  type CreateInput,
  failureRetryMs,
  followUpAt,
  initialBackupContext,
  type PruneInput,
  type PublishInput,
  requestOf,
  runFor,
  type UploadOutcome,
  unique,
} from "./backup-context.js";
import { type DeadlineInput, inert } from "./host.js";
import { type FailureReason, failureOf } from "./outcomes.js";

export * from "./backup-context.js";

// Carries the machine's types into `setup`, which reads nothing from it at run time (every field is optional).
const types: { context?: BackupContext; events?: BackupEvent } = {};

/** The schedule's wait: until the next backup is due, or for ever without a schedule. */
const nextDue = ({ context }: { context: BackupContext }): DeadlineInput => ({
  at: context.nextDueAt ?? Number.POSITIVE_INFINITY,
});

/** What `verifying` and `publishing` work on: the upload `uploadDone` recorded, the only way into them. */
const uploaded = ({ context }: { context: BackupContext }): PublishInput =>
  // The context cannot say that `upload` is set in these states; `recordUpload` set it on the way in.
  ({ upload: context.upload as UploadOutcome });

export const backupMachine = setup({
  types,
  actors: {
    create: inert<BackupEvent, CreateInput>(),
    check: inert<BackupEvent, PublishInput>(),
    publish: inert<BackupEvent, PublishInput>(),
    prune: inert<BackupEvent, PruneInput>(),
    waitUntil: inert<BackupEvent, DeadlineInput>(),
  },
  guards: {
    scheduled: ({ context }) => context.nextDueAt !== null,
    hasPending: ({ context }) => context.pending !== null,
  },
  actions: {
    applySettings: assign(({ context, event }) => {
      assertEvent(event, "hostStarted");
      const intervalMs = event.intervalMs;
      const last = context.lastBackup?.startedAt ?? null;
      // Due one interval after the last backup; at once when there was none, or it is overdue.
      const nextDueAt = intervalMs === null ? null : last === null ? event.at : last + intervalMs;
      return { intervalMs, nextDueAt, rclone: event.rclone ?? context.rclone };
    }),
    beginBackup: assign(({ event }) => {
      const { requestIds, sources } = requestOf(event);
      return { current: runFor(requestIds, sources, event.at), upload: null, hashChecked: false };
    }),
    queueRequest: assign(({ context, event }) => {
      const { requestIds, sources } = requestOf(event);
      const pending = context.pending ?? { requestIds: [], sources: [] };
      return {
        pending: {
          requestIds: unique([...pending.requestIds, ...requestIds]),
          sources: unique([...pending.sources, ...sources]),
        },
      };
    }),
    recordInterruption: assign(({ context, event }) => {
      const error: FailureReason = {
        kind: "retryable",
        message: "the host stopped during the backup; nothing of it was published",
      };
      return backupFailed(context, event.at, error, context.intervalMs === null ? null : event.at);
    }),
    recordUpload: assign(({ event }) => {
      assertEvent(event, "uploadDone");
      return { upload: { manifest: event.manifest, partial: event.partial } };
    }),
    recordCheck: assign(({ event }) => {
      assertEvent(event, "checkDone");
      return { hashChecked: event.hashChecked };
    }),
    recordFailure: assign(({ context, event }) => {
      const retryAt =
        context.intervalMs === null ? null : event.at + Math.min(context.intervalMs, failureRetryMs);
      return backupFailed(context, event.at, failureOf(event), retryAt);
    }),
    recordBackup: assign(({ context, event }) => {
      assertEvent(event, ["pruneDone", "pruneFailed"]);
      const current = context.current;
      const upload = context.upload;
      if (current === null || upload === null) return {};
      const prune = event.type === "pruneDone" ? event : null;
      const record: BackupRecord = {
        id: current.id,
        requestIds: current.requestIds,
        sources: current.sources,
        startedAt: current.startedAt,
        finishedAt: event.at,
        snapshot: upload.manifest,
        hashChecked: context.hashChecked,
        prune: prune
          ? { removed: prune.removed, kept: prune.kept, leftoversRemoved: prune.leftoversRemoved }
          : null,
        pruneError: event.type === "pruneFailed" ? event.error : null,
      };
      return {
        lastBackup: record,
        current: null,
        upload: null,
        abandoned: prune ? [] : context.abandoned,
        totals: {
          backups: context.totals.backups + 1,
          failures: context.totals.failures,
          pruned: context.totals.pruned + (prune?.removed.length ?? 0),
        },
        nextDueAt: context.intervalMs === null ? null : current.startedAt + context.intervalMs,
      };
    }),
    startPending: assign(({ context }) => {
      const pending = context.pending;
      if (pending === null) return {};
      return { current: runFor(pending.requestIds, pending.sources, followUpAt(context)), pending: null };
    }),
  },
}).createMachine({
  id: "backup",
  context: initialBackupContext,
  initial: "idle",
  on: {
    hostStopped: {},
  },
  states: {
    idle: {
      invoke: { id: "schedule", src: "waitUntil", input: nextDue },
      on: {
        // Re-entered: the schedule's wait starts again with the deadline the new settings give (an invoked
        // actor keeps the input it started with, also when restored from the log).
        hostStarted: { target: "idle", reenter: true, actions: "applySettings" },
        backupRequested: { target: "running", actions: "beginBackup" },
        backupDue: { guard: "scheduled", target: "running", actions: "beginBackup" },
      },
    },
    running: {
      initial: "archiving",
      on: {
        backupRequested: { actions: "queueRequest" },
        // A backup is already running: it serves the schedule too.
        backupDue: {},
        // The host died mid-backup: nothing of it was published. A schedule runs it again at once; what the
        // dead attempt uploaded is removed by the next prune.
        hostStarted: { target: "#backup.failed", actions: ["applySettings", "recordInterruption"] },
      },
      states: {
        archiving: {
          invoke: {
            id: "create",
            src: "create",
            input: ({ context }) => ({
              id: context.current?.id ?? "",
              startedAt: context.current?.startedAt ?? 0,
            }),
          },
          on: {
            uploadDone: { target: "verifying", actions: "recordUpload" },
            uploadFailed: { target: "#backup.failed", actions: "recordFailure" },
          },
        },
        verifying: {
          invoke: { id: "check", src: "check", input: uploaded },
          on: {
            checkDone: { target: "publishing", actions: "recordCheck" },
            checkFailed: { target: "#backup.failed", actions: "recordFailure" },
          },
        },
        publishing: {
          invoke: { id: "publish", src: "publish", input: uploaded },
          on: {
            publishDone: "pruning",
            publishFailed: { target: "#backup.failed", actions: "recordFailure" },
          },
        },
        pruning: {
          invoke: {
            id: "prune",
            src: "prune",
            input: ({ context }) => ({
              keepId: context.upload?.manifest.id ?? "",
              abandoned: context.abandoned,
            }),
          },
          on: {
            // The snapshot is published either way; a failed prune is reported and tried next time.
            pruneDone: { target: "done", actions: "recordBackup" },
            pruneFailed: { target: "done", actions: "recordBackup" },
          },
        },
        done: { type: "final" },
      },
      onDone: [
        { guard: "hasPending", target: "running", reenter: true, actions: "startPending" },
        { target: "idle" },
      ],
    },
    failed: {
      // Requests that came during the failed backup get one of their own.
      always: { guard: "hasPending", target: "running", actions: "startPending" },
      invoke: { id: "retrySchedule", src: "waitUntil", input: nextDue },
      on: {
        hostStarted: { target: "failed", reenter: true, actions: "applySettings" },
        backupRequested: { target: "running", actions: "beginBackup" },
        backupDue: { guard: "scheduled", target: "running", actions: "beginBackup" },
      },
    },
  },
});

export type BackupMachine = typeof backupMachine;
