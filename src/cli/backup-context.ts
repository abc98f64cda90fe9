/**
 * What the backup commands need: the backup block (refused when missing), `withBackupHost` (a one-shot
 * backup host holding the state-directory lock, the sibling of `withHost`), and a runtime for the commands
 * that only read the remote (list, verify, restore).
 */

import { readIdentityFile } from "../backup/codec/age.js";
import { backupOps } from "../backup/ops.js";
import { prepareBackupRemote } from "../backup/remote.js";
import { type BackupRuntime, backupRuntime } from "../backup/runtime.js";
import type { BackupConfig } from "../config/backup.js";
import { acquireStateDirLock } from "../log/state-dir-lock.js";
import { openclawStateDir } from "../paths.js";
import { findRclone, readRcloneVersion } from "../rclone/binary.js";
import { type BackupHandle, ownFolders, startBackup } from "../runtime/backup/start.js";
import type { Resolved } from "./context.js";
import { CliError, ExitCode } from "./errors.js";
import type { Output } from "./output.js";

export function backupConfigOf(resolved: Resolved): BackupConfig {
  const backup = resolved.loaded.backup;
  if (backup === null) {
    throw new CliError(
      `${resolved.loaded.source}: there is no \`backup\` block; add one such as { "backup": { "enabled": true, "passphrase": "\${BACKUP_PASSPHRASE}" } }`,
      ExitCode.usage,
    );
  }
  return backup;
}

/** Identities for decryption: `--identity FILE`, else `backup.identityFile`. */
async function identitiesFor(backup: BackupConfig, identityFile: string | undefined): Promise<string[]> {
  const file = identityFile ?? backup.identityFile;
  if (file === undefined) return [];
  try {
    return await readIdentityFile(file);
  } catch (error) {
    throw new CliError(`cannot read the age identity ${file}: ${(error as Error).message}`, ExitCode.usage);
  }
}

/** A runtime that reads the remote without hosting the backup actor. */
export async function readOnlyBackupRuntime(
  resolved: Resolved,
  options: { identityFile?: string | undefined } = {},
  env = process.env,
): Promise<BackupRuntime> {
  const backup = backupConfigOf(resolved);
  const { sync } = resolved.loaded;
  const remote = await prepareBackupRemote(
    sync,
    backup,
    resolved.stateDir,
    backup.passphrase ? [backup.passphrase] : [],
  );
  return backupRuntime({
    ops: backupOps({ binary: await findRclone({ env }), remote, env, timeoutMs: sync.timeout * 1000 }),
    config: backup,
    roots: { workspace: resolved.workspace, openclawState: openclawStateDir(env) },
    excludeAbsolute: ownFolders({ stateDir: resolved.stateDir, sync, backup }),
    identities: await identitiesFor(backup, options.identityFile),
  });
}

/** Run `body` with this process as the backup host: the state directory is ours until it returns. */
export async function withBackupHost<T>(
  resolved: Resolved,
  out: Output,
  body: (handle: BackupHandle) => Promise<T>,
  env = process.env,
): Promise<T> {
  const backup = backupConfigOf(resolved);
  const rcloneBinary = await findRclone({ env });
  const rcloneVersion = (await readRcloneVersion(rcloneBinary, { env })).raw;
  const lock = await acquireStateDirLock(resolved.stateDir, { command: process.argv.slice(1).join(" ") });
  let handle: BackupHandle | undefined;
  const stop = async () => {
    await handle?.stop();
    await lock.release();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    out.warn(`${signal}: stopping; the backup in progress is not published and starts again next time`);
    void stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    handle = await startBackup({
      sync: resolved.loaded.sync,
      backup,
      stateDir: resolved.stateDir,
      workspace: resolved.workspace,
      env,
      rcloneBinary,
      rcloneVersion,
      // A one-shot host serves its command only: the schedule is a long-lived host's.
      schedule: false,
      onWarning: (message) => out.warn(message),
      ...leftoverGraceFromEnv(env),
    });
    return await body(handle);
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await stop();
  }
}

/** `WORKSPACE_SYNC_BACKUP_GRACE_SECONDS`: the leftover grace period (tests shorten it). */
function leftoverGraceFromEnv(env: NodeJS.ProcessEnv): { leftoverGraceMs?: number } {
  const raw = env.WORKSPACE_SYNC_BACKUP_GRACE_SECONDS;
  if (raw === undefined || raw === "") return {};
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new CliError(
      `WORKSPACE_SYNC_BACKUP_GRACE_SECONDS must be a number of seconds (got "${raw}")`,
      ExitCode.usage,
    );
  }
  return { leftoverGraceMs: seconds * 1000 };
}
