/**
 * The backup actor brought to life beside the sync actors: its remote, its runtime, its event log
 * (`<stateDir>/backup/log`) and the statechart running as a logged actor. `requestBackup` asks for one
 * backup and resolves when the backup serving it has ended.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { AnyMachineSnapshot } from "xstate";
import {
  type BackupContext,
  type BackupFailure,
  type BackupRecord,
  backupMachine,
} from "../../../machines/backup.js";
import type { TriggerSource } from "../../../machines/requests.js";
import { backupEffects } from "../../backup/effects.js";
import { backupOps } from "../../backup/ops.js";
import { type BackupRemote, backupDir, prepareBackupRemote } from "../../backup/remote.js";
import { type BackupRuntime, backupRuntime } from "../../backup/runtime.js";
import { type BackupConfig, backupScheduleSeconds } from "../../config/backup.js";
import type { SyncConfig } from "../../config/schema.js";
import { InFlight } from "../../effects/actors.js";
import { EventLog } from "../../log/event-log.js";
import { defaultLocalCloud, openclawStateDir } from "../../paths.js";
import { capabilitiesOf } from "../../rclone/capabilities.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import { LoggedActor } from "../logged-actor.js";

export interface BackupOptions {
  sync: SyncConfig;
  backup: BackupConfig;
  stateDir: string;
  workspace: string;
  /** OpenClaw's state directory (default from `OPENCLAW_STATE_DIR`, else `~/.openclaw`). */
  openclawState?: string;
  env: NodeJS.ProcessEnv;
  rcloneBinary: string;
  rcloneVersion?: string;
  /** Run the interval schedule (default: `backup.enabled`). */
  schedule?: boolean;
  zstdBinary?: string;
  leftoverGraceMs?: number;
  now?: () => number;
  onWarning?: (message: string) => void;
  /** `sync.` when the config is nested: messages name the keys where they are. */
  keyPrefix?: string;
}

export type BackupVerdict = "done" | "failed";

export interface BackupAnswer {
  verdict: BackupVerdict;
  snapshot: AnyMachineSnapshot;
  record: BackupRecord | null;
  failure: BackupFailure | null;
}

export interface BackupHandle {
  actor: LoggedActor;
  runtime: BackupRuntime;
  remote: BackupRemote;
  /** Live progress of the uploads from now on (bytes sent, files archived; stats flags only while someone listens). */
  watchProgress(listener: (progress: RcloneProgress) => void): () => void;
  requestBackup(input: { source: TriggerSource; requestId?: string }): Promise<BackupAnswer>;
  stop(): Promise<void>;
}

export function backupLogDir(stateDir: string): string {
  return join(backupDir(stateDir), "log");
}

/** Where the backup of `requestId` stands, or null while it is still to come. */
export function backupVerdictFor(snapshot: AnyMachineSnapshot, requestId: string): BackupVerdict | null {
  // The logged actor runs the backup machine; its snapshot's context is this machine's.
  const context: BackupContext = snapshot.context;
  if (context.pending?.requestIds.includes(requestId)) return null;
  if (context.current?.requestIds.includes(requestId)) return null;
  if (context.lastBackup?.requestIds.includes(requestId)) return "done";
  if (context.lastFailure?.requestIds.includes(requestId)) return "failed";
  return null;
}

/** Folders never archived: the tool's own state, and a local backup target (a backup of itself). */
export function ownFolders(options: Pick<BackupOptions, "stateDir" | "sync" | "backup">): string[] {
  const { stateDir, sync, backup } = options;
  const local = backup.local.path ?? sync.local.path ?? defaultLocalCloud(stateDir);
  return [stateDir, local];
}

export async function startBackup(options: BackupOptions): Promise<BackupHandle> {
  const { sync, backup, stateDir, env } = options;
  const now = options.now ?? Date.now;
  const remote = await prepareBackupRemote(
    sync,
    backup,
    stateDir,
    backup.passphrase ? [backup.passphrase] : [],
    {
      rcloneBinary: options.rcloneBinary,
      rcloneVersion: options.rcloneVersion,
      env,
      keyPrefix: options.keyPrefix,
    },
  );
  const ops = backupOps({
    binary: options.rcloneBinary,
    remote,
    env,
    timeoutMs: sync.timeout * 1000,
    // rclone 1.69 changed what exit codes 1 and 2 mean: failures are classified by this rclone's meaning.
    exitCodes: capabilitiesOf(options.rcloneVersion).exitCodes,
  });
  const progressListeners = new Set<(progress: RcloneProgress) => void>();
  const runtime = backupRuntime({
    ops,
    config: backup,
    roots: { workspace: options.workspace, openclawState: options.openclawState ?? openclawStateDir(env) },
    excludeAbsolute: ownFolders(options),
    ...(options.zstdBinary ? { zstdBinary: options.zstdBinary } : {}),
    ...(env.WORKSPACE_SYNC_SQLITE3 ? { sqlite3Binary: env.WORKSPACE_SYNC_SQLITE3 } : {}),
    // Database copies are made beside the backup's own files (private, never archived).
    scratchRoot: backupDir(options.stateDir),
    now,
    progress: () =>
      progressListeners.size === 0
        ? undefined
        : (update) => {
            for (const listener of progressListeners) listener(update);
          },
  });
  const inFlight = new InFlight();
  const machine = backupMachine.provide({
    actors: backupEffects({
      runtime,
      inFlight,
      ...(options.leftoverGraceMs === undefined ? {} : { leftoverGraceMs: options.leftoverGraceMs }),
    }),
  });
  const log = await EventLog.open({
    dir: backupLogDir(stateDir),
    redact: remote.redact,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const scheduleSeconds = (options.schedule ?? backup.enabled) ? backupScheduleSeconds(backup) : null;
  const actor = await LoggedActor.start({
    machine,
    log,
    started: {
      type: "hostStarted",
      at: now(),
      pid: process.pid,
      intervalMs: scheduleSeconds === null ? null : scheduleSeconds * 1000,
      ...(options.rcloneVersion ? { rclone: options.rcloneVersion } : {}),
    },
    settle: () => inFlight.idle(),
  });
  return {
    actor,
    runtime,
    remote,
    watchProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    async requestBackup({ source, requestId = randomUUID() }) {
      actor.send({ type: "backupRequested", at: now(), requestId, source });
      const snapshot = await actor.until((s) => backupVerdictFor(s, requestId) !== null);
      // The logged actor runs the backup machine; its snapshot's context is this machine's.
      const context: BackupContext = snapshot.context;
      const verdict = backupVerdictFor(snapshot, requestId) ?? "failed";
      return {
        verdict,
        snapshot,
        record: verdict === "done" ? context.lastBackup : null,
        failure: verdict === "failed" ? context.lastFailure : null,
      };
    },
    async stop() {
      await actor.stop({ type: "hostStopped", at: now(), pid: process.pid });
      await log.close();
    },
  };
}
