/**
 * The backup actor as a host unit, id `backup`: `startBackup`'s handle under the host's lock (the handle
 * takes no lock of its own, and writes its own rclone config, `<stateDir>/backup/rclone.conf`), its
 * transition stream and its upload progress. The schedule needs no timer here: the next due time lives in
 * the machine's context and is awaited by its own invoked actor, so it survives restarts.
 *
 * Started with the host when `backup.enabled` (on its schedule); otherwise on the first `backupRequested`
 * a client sends (`backup now` with a host running), with no schedule.
 */
import type { BackupFailure, BackupRecord } from "../../../machines/backup.js";
import type { BackupConfig } from "../../config/backup.js";
import type { Transition, UnitInfo } from "../../ipc/protocol.js";
import { EventLog } from "../../log/event-log.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import { inspectProcessed, plain, TransitionFeed } from "../feed.js";
import type { TriggerAnswer, TriggerInput, Unit, UnitContext, UnitKind } from "../unit.js";
import { type BackupHandle, backupLogDir, startBackup } from "./start.js";
import { type BackupStatus, buildBackupStatus } from "./status.js";

export const backupUnitId = "backup";
export const backupUnitKind = "backup";

/** A backup unit's `cycle` in a trigger's answer: where it went, and the backup or the failure. */
export interface BackupCycle {
  root: string;
  record: BackupRecord | null;
  failure: BackupFailure | null;
}

/** `backup status` as the running host answers it. */
export type LiveBackupStatus = BackupStatus & { unit: string };

export class BackupUnit implements Unit {
  readonly info: UnitInfo;
  readonly takes = "backupRequested";
  readonly #feed: TransitionFeed;
  readonly #inspection: { unsubscribe(): void };

  private constructor(
    private readonly handle: BackupHandle,
    private readonly context: UnitContext,
    private readonly backup: BackupConfig,
  ) {
    this.info = { id: backupUnitId, kind: backupUnitKind, label: `backups to ${handle.remote.root}` };
    this.#feed = new TransitionFeed(this.info, context);
    this.#inspection = inspectProcessed(handle.host.actor, (event, snapshot) =>
      this.#feed.publish(event, snapshot),
    );
  }

  /** `schedule`: run the interval schedule (`backup.enabled`). */
  static async start(context: UnitContext, workspace: string, schedule: boolean): Promise<BackupUnit> {
    const backup = context.config.backup;
    if (backup === null) throw new Error("the host's config has no `backup` block");
    const handle = await startBackup({
      sync: context.config.sync,
      backup,
      stateDir: context.stateDir,
      workspace,
      ...(context.openclawState === undefined ? {} : { openclawState: context.openclawState }),
      env: context.env,
      rcloneBinary: context.rcloneBinary,
      rcloneVersion: context.rcloneVersion,
      schedule,
      now: context.now,
      onWarning: (message) => context.logger.warn(`backup: ${message}`),
    });
    return new BackupUnit(handle, context, backup);
  }

  current() {
    const snapshot = this.handle.host.snapshot;
    return { value: plain(snapshot.value), context: plain(snapshot.context) };
  }

  async trigger(input: TriggerInput): Promise<TriggerAnswer> {
    const answer = await this.handle.requestBackup({ source: input.source });
    const cycle: BackupCycle = {
      root: this.handle.remote.root,
      record: answer.record,
      failure: answer.failure,
    };
    return {
      verdict: answer.verdict,
      value: plain(answer.snapshot.value),
      context: plain(answer.snapshot.context),
      cycle: plain(cycle),
    };
  }

  watchProgress(listener: (stats: RcloneProgress) => void): () => void {
    return this.handle.watchProgress(listener);
  }

  subscribe(listener: (transition: Transition) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  async history(options: { limit?: number; afterSeq?: number }) {
    await this.handle.host.flush();
    const log = await EventLog.open({ dir: backupLogDir(this.context.stateDir), readOnly: true });
    try {
      return await log.read(options);
    } finally {
      await log.close();
    }
  }

  async status(): Promise<LiveBackupStatus> {
    await this.handle.host.flush();
    const report = await buildBackupStatus(this.context.stateDir, this.backup, this.context.now());
    return { ...report, unit: this.info.id };
  }

  /** Session hooks trigger syncs, never backups. */
  onHook(): void {}

  async stop(): Promise<void> {
    await this.handle.stop();
    this.#inspection.unsubscribe();
    this.#feed.clear();
  }
}

/** The workspace a host's backups archive: the first it serves from the start. */
function archivedWorkspace(workspaces: readonly string[]): string {
  const workspace = workspaces[0];
  if (workspace === undefined) throw new Error("backups need a workspace; the host serves none");
  return workspace;
}

/** The backup kind: one unit per host, when the config has a `backup` block. */
export const backupUnits: UnitKind = {
  kind: backupUnitKind,
  async start(context, workspaces) {
    if (context.config.backup?.enabled !== true) return [];
    return [await BackupUnit.start(context, archivedWorkspace(workspaces), true)];
  },
  startOnRequest(context, id, workspaces) {
    if (id !== backupUnitId) return null;
    const backup = context.config.backup;
    if (backup === null) {
      return Promise.reject(
        new Error("the running host's config has no `backup` block; restart the host after adding one"),
      );
    }
    return (async () => BackupUnit.start(context, archivedWorkspace(workspaces), backup.enabled))();
  },
};
