/**
 * The backup actor as a host unit, id `backup`: `startBackup`'s handle under the host's lock (the handle
 * takes no lock of its own, and writes its own rclone config, `<stateDir>/backup/rclone.conf`), its
 * transition stream and its upload progress. The schedule needs no timer here: the next due time lives in
 * the machine's context and is awaited by its own invoked actor, so it survives restarts.
 *
 * Started with the host when `backup.enabled` (on its schedule); otherwise on the first `backupRequested`
 * a client sends (`backup now` with a host running), with no schedule.
 */

import { randomUUID } from "node:crypto";
import type { BackupFailure, BackupRecord } from "../../../machines/backup.js";
import type { UnitRequest } from "../../../machines/requests.js";
import type { SourceRoots } from "../../backup/archive/sources.js";
import type { BackupConfig } from "../../config/backup.js";
import { EventLog } from "../../log/event-log.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import { inspectProcessed, plain, TransitionFeed } from "../feed.js";
import type { Answer, HostServices, Transition, Unit, UnitInfo } from "../unit.js";
import { backupUnitId, backupUnitKind } from "./ids.js";
import { type BackupHandle, backupLogDir, startBackup } from "./start.js";
import { type BackupStatus, buildBackupStatus } from "./status.js";

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
    private readonly services: HostServices,
    private readonly backup: BackupConfig,
    private readonly roots: SourceRoots,
  ) {
    this.info = { id: backupUnitId, kind: backupUnitKind, label: `backups to ${handle.remote.root}` };
    this.#feed = new TransitionFeed(this.info, services);
    this.#inspection = inspectProcessed(handle.actor.actor, (event, snapshot) =>
      this.#feed.publish(event, snapshot),
    );
  }

  /** `schedule`: run the interval schedule (`backup.enabled`, in a long-lived host). */
  static async start(services: HostServices, workspace: string, schedule: boolean): Promise<BackupUnit> {
    const backup = services.config.backup;
    if (backup === null) throw new Error("the host's config has no `backup` block");
    const handle = await startBackup({
      sync: services.config.sync,
      backup,
      stateDir: services.stateDir,
      workspace,
      ...(services.openclawState === undefined ? {} : { openclawState: services.openclawState }),
      env: services.env,
      rcloneBinary: services.rcloneBinary,
      rcloneVersion: services.rcloneVersion,
      keyPrefix: services.config.syncPrefix,
      schedule: schedule && services.timers,
      now: services.now,
      ...(services.backupLeftoverGraceMs === undefined
        ? {}
        : { leftoverGraceMs: services.backupLeftoverGraceMs }),
      // A one-shot host speaks for its one command: its warnings need no unit name.
      onWarning: (message) => services.logger.warn(services.timers ? `backup: ${message}` : message),
    });
    return new BackupUnit(handle, services, backup, handle.runtime.roots);
  }

  current() {
    const snapshot = this.handle.actor.snapshot;
    return { value: plain(snapshot.value), context: plain(snapshot.context) };
  }

  async request(request: UnitRequest, options: { wait?: boolean } = {}): Promise<Answer> {
    if (request.type !== this.takes)
      throw new Error(`the backup unit takes backupRequested, not ${request.type}`);
    const requestId = request.requestId ?? randomUUID();
    const answered = this.handle.requestBackup({ source: request.source, requestId });
    if (options.wait === false) {
      answered.catch(() => undefined);
      const { value, context } = this.current();
      return { unit: this.info.id, requestId, verdict: "queued", state: value, context, cycle: null };
    }
    const answer = await answered;
    const cycle: BackupCycle = {
      root: this.handle.remote.root,
      record: answer.record,
      failure: answer.failure,
    };
    return {
      unit: this.info.id,
      requestId,
      verdict: answer.verdict,
      state: plain(answer.snapshot.value),
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
    await this.handle.actor.flush();
    const log = await EventLog.open({ dir: backupLogDir(this.services.stateDir), readOnly: true });
    try {
      return await log.read(options);
    } finally {
      await log.close();
    }
  }

  async status(): Promise<LiveBackupStatus> {
    await this.handle.actor.flush();
    const report = await buildBackupStatus(
      this.services.stateDir,
      this.backup,
      this.services.now(),
      this.roots,
    );
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
