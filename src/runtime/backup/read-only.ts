/**
 * The kit of the backup commands that only read the remote (list, ls, diff, verify, restore): a backup
 * runtime without the backup actor, no lock taken, usable beside a running host. Every door builds it here
 * (the CLI, OpenClaw's commands, the agent's tools), then calls the functions of `src/backup/`
 * (`readCatalog`, `listEntries`, `diffSnapshots`, `verifySnapshot`, `restoreSnapshot`, `restorePaths`).
 */
import { EncryptionConfigError, readIdentityFile } from "../../backup/codec/age.js";
import { backupOps } from "../../backup/ops.js";
import { prepareBackupRemote } from "../../backup/remote.js";
import { type BackupRuntime, backupRuntime } from "../../backup/runtime.js";
import type { BackupConfig } from "../../config/backup.js";
import { openclawStateDir } from "../../paths.js";
import { findRclone } from "../../rclone/binary.js";
import { exitCodesOnDemand } from "../../rclone/exit-codes.js";
import { messageOf } from "../../util/errors.js";
import type { Scope } from "../scope.js";
import { ownFolders } from "./start.js";

/** Identities for decryption: `identityFile` given, else `backup.identityFile`. Throws EncryptionConfigError. */
async function identitiesFor(backup: BackupConfig, identityFile: string | undefined): Promise<string[]> {
  const file = identityFile ?? backup.identityFile;
  if (file === undefined) return [];
  try {
    return await readIdentityFile(file);
  } catch (error) {
    throw new EncryptionConfigError(`cannot read the age identity ${file}: ${messageOf(error)}`);
  }
}

/** `backup`: the scope's backup block, already checked present and valid by the caller. */
export async function readOnlyBackupRuntime(
  scope: Scope,
  backup: BackupConfig,
  options: { identityFile?: string | undefined } = {},
  env = process.env,
): Promise<BackupRuntime> {
  const { sync } = scope.loaded;
  const binary = await findRclone({ env });
  const remote = await prepareBackupRemote(
    sync,
    backup,
    scope.stateDir,
    backup.passphrase ? [backup.passphrase] : [],
    { rcloneBinary: binary, env, keyPrefix: scope.loaded.syncPrefix },
  );
  // Its version says what exit 1 and 2 mean (1.69 swapped them): read only when a run ends with one.
  const exitCodes = exitCodesOnDemand(binary, env);
  return backupRuntime({
    ops: backupOps({ binary, remote, env, timeoutMs: sync.timeout * 1000, exitCodes }),
    config: backup,
    roots: { workspace: scope.workspace, openclawState: openclawStateDir(env) },
    excludeAbsolute: ownFolders({ stateDir: scope.stateDir, sync, backup }),
    identities: await identitiesFor(backup, options.identityFile),
  });
}
