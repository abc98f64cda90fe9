/**
 * What the backup commands need: the backup block (refused when missing), the one-shot host's leftover
 * grace period, and the kit of the commands that only read the remote (list, verify, restore).
 */

import { readIdentityFile } from "../backup/codec/age.js";
import { backupOps } from "../backup/ops.js";
import { prepareBackupRemote } from "../backup/remote.js";
import { type BackupRuntime, backupRuntime } from "../backup/runtime.js";
import type { BackupConfig } from "../config/backup.js";
import { openclawStateDir } from "../paths.js";
import { findRclone } from "../rclone/binary.js";
import { ownFolders } from "../runtime/backup/start.js";
import type { Scope } from "../runtime/scope.js";
import { messageOf } from "../util/errors.js";
import { CliError, ExitCode } from "./errors.js";

export function backupConfigOf(resolved: Scope): BackupConfig {
  const { backup, backupError } = resolved.loaded;
  if (backupError !== null) throw new CliError(`backups are disabled: ${backupError}`, ExitCode.usage);
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
    throw new CliError(`cannot read the age identity ${file}: ${messageOf(error)}`, ExitCode.usage);
  }
}

/** A runtime that reads the remote without hosting the backup actor. */
export async function readOnlyBackupRuntime(
  resolved: Scope,
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

/** `WORKSPACE_SYNC_BACKUP_GRACE_SECONDS`: the leftover grace period (tests shorten it). */
export function leftoverGraceFromEnv(env: NodeJS.ProcessEnv): { backupLeftoverGraceMs?: number } {
  const raw = env.WORKSPACE_SYNC_BACKUP_GRACE_SECONDS;
  if (raw === undefined || raw === "") return {};
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new CliError(
      `WORKSPACE_SYNC_BACKUP_GRACE_SECONDS must be a number of seconds (got "${raw}")`,
      ExitCode.usage,
    );
  }
  return { backupLeftoverGraceMs: seconds * 1000 };
}
