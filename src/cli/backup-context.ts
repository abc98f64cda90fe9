/**
 * What the backup commands need: the backup block (refused when missing), the one-shot host's leftover
 * grace period, and the kit of the commands that only read the remote (list, verify, restore).
 */

import type { BackupRuntime } from "../backup/runtime.js";
import type { BackupConfig } from "../config/backup.js";
import { readOnlyBackupRuntime as readOnlyRuntime } from "../runtime/backup/read-only.js";
import type { Scope } from "../runtime/scope.js";
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

/** A runtime that reads the remote without hosting the backup actor (runtime/backup/read-only.ts). */
export async function readOnlyBackupRuntime(
  resolved: Scope,
  options: { identityFile?: string | undefined } = {},
  env = process.env,
): Promise<BackupRuntime> {
  return readOnlyRuntime(resolved, backupConfigOf(resolved), options, env);
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
