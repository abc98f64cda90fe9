/**
 * The backup's own remote: its provider (the sync provider unless `backup.provider` says otherwise; `s3` when sync is off), the
 * backup's provider blocks merged over the sync ones, written to a config file of its own
 * (`<stateDir>/backup/rclone.conf`, so the sync host's rewrites never touch it), and the folder snapshots
 * live in: `<bucket>/<remotePath>/<prefix>`, or `openclaw-backup` when none is given.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { BackupConfig } from "../config/backup.js";
import type { SyncConfig } from "../config/schema.js";
import { checkCustomBackend, type PrepareOptions } from "../effects/remote.js";
import { ProviderConfigError, type ProviderSettings, providerFor } from "../providers/index.js";
import { writeRcloneConfig } from "../rclone/config-file.js";
import { remoteSpec } from "../rclone/remote.js";
import { createRedactor, type Redact } from "../util/errors.js";
import { isRecord } from "../util/json.js";

export const defaultBackupFolder = "openclaw-backup";

export interface BackupRemote {
  configPath: string;
  /** `backup:<folder>`: where manifests and snapshot objects live. */
  root: string;
  redact: Redact;
  describe: string;
  provider: string;
  /** The config key that says where the remote lives (`backup.s3.endpoint`, `s3.endpoint`), when one does. */
  endpointKey?: string;
}

export function backupDir(stateDir: string): string {
  return join(stateDir, "backup");
}

function merged<T extends object>(sync: T | undefined, own: T | undefined): T | undefined {
  if (sync === undefined) return own;
  if (own === undefined) return sync;
  return { ...sync, ...own };
}

/** The provider settings of the backup remote: the backup's own blocks over the sync ones. */
export function backupProviderSettings(sync: SyncConfig, backup: BackupConfig): ProviderSettings {
  const provider = backupProviderName(sync, backup);
  const s3 = merged(sync.s3, backup.s3);
  return {
    local: backup.local.path ? backup.local : sync.local,
    s3: provider === "s3" && backup.bucket ? { ...s3, bucket: backup.bucket } : s3,
    dropbox: merged(sync.dropbox, backup.dropbox),
    gdrive: merged(sync.gdrive, backup.gdrive),
    onedrive: merged(sync.onedrive, backup.onedrive),
    custom: backup.custom ?? sync.custom,
  };
}

/** `backup.provider`, else the sync provider, else (sync off) `s3`, as the original plugin chose. */
export function backupProviderName(
  sync: SyncConfig,
  backup: BackupConfig,
): Exclude<SyncConfig["provider"], "off"> {
  const provider = backup.provider ?? sync.provider;
  return provider === "off" ? "s3" : provider;
}

/** `key` as the backup block spells it when the block gives that value itself (`backup.s3.endpoint`). */
function backupKey(key: string, backup: BackupConfig): string {
  let value: unknown = backup;
  for (const part of key.split(".")) value = isRecord(value) ? value[part] : undefined;
  return value === undefined ? key : `backup.${key}`;
}

/** The `custom` backend the backup remote uses, with its key as the config spells it; null for other providers. */
function backupBackend(
  sync: SyncConfig,
  backup: BackupConfig,
  keyPrefix: string,
): { type: string; key: string } | null {
  if (backupProviderName(sync, backup) !== "custom") return null;
  const type = backupProviderSettings(sync, backup).custom?.rcloneType;
  if (type === undefined) return null;
  return { type, key: backup.custom ? "backup.custom.rcloneType" : `${keyPrefix}custom.rcloneType` };
}

/**
 * Why the backup remote cannot be made (a `custom` backend the installed rclone does not know), read-only,
 * for `status`; null when it can, or when there was nothing to check.
 */
export async function backupRemoteProblem(
  sync: SyncConfig,
  backup: BackupConfig,
  stateDir: string,
  options: PrepareOptions,
): Promise<string | null> {
  const backend = backupBackend(sync, backup, options.keyPrefix ?? "");
  if (backend === null) return null;
  try {
    await checkCustomBackend(backend.type, backend.key, stateDir, options);
    return null;
  } catch (error) {
    if (error instanceof ProviderConfigError) return error.message;
    throw error;
  }
}

/**
 * Writes the backup remote's rclone config and makes its folder. With `options.rcloneBinary`, a `custom`
 * backend that rclone does not know is refused first (naming `backup.custom.rcloneType`, or the sync's key
 * when the backup borrows the sync's `custom` block), before anything is written.
 */
export async function prepareBackupRemote(
  sync: SyncConfig,
  backup: BackupConfig,
  stateDir: string,
  extraSecrets: readonly string[] = [],
  options: PrepareOptions = {},
): Promise<BackupRemote> {
  const provider = backupProviderName(sync, backup);
  const settings = backupProviderSettings(sync, backup);
  const remote = providerFor({ provider }).remote({
    config: settings,
    stateDir,
  });
  const backend = backupBackend(sync, backup, options.keyPrefix ?? "");
  const listed =
    backend === null ? null : await checkCustomBackend(backend.type, backend.key, stateDir, options);
  const folder = [
    ...(provider !== "s3" && backup.bucket ? [backup.bucket] : []),
    backup.remotePath ?? "",
    backup.prefix ?? "",
  ].filter((part) => part.replace(/\//g, "") !== "");
  const path = [...(remote.pathPrefix ?? []), ...(folder.length > 0 ? folder : [])];
  if (path.length === 0) path.push(defaultBackupFolder);
  const dir = backupDir(stateDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await listed?.keep();
  await remote.prepare?.();
  const configPath = join(dir, "rclone.conf");
  await writeRcloneConfig(configPath, { [backup.remoteName]: remote.section });
  return {
    configPath,
    root: remoteSpec(backup.remoteName, path),
    redact: createRedactor([...remote.secrets, ...extraSecrets]),
    describe: remote.describe,
    provider,
    ...(remote.endpointKey === undefined ? {} : { endpointKey: backupKey(remote.endpointKey, backup) }),
  };
}
