/** Everything a backup, a verify or a restore needs, resolved once from the config. */
import { hostname } from "node:os";
import type { BackupConfig } from "../config/backup.js";
import type { RcloneProgress } from "../rclone/progress.js";
import { toolVersion } from "../version.js";
import type { SourceRoots } from "./archive/sources.js";
import { type EncryptionKeys, type EncryptionKind, encryptionKindOf } from "./codec/age.js";
import { type CompressionChoice, compressionOf } from "./codec/compression.js";
import type { BackupOps } from "./ops.js";

export interface BackupRuntime {
  ops: BackupOps;
  config: BackupConfig;
  roots: SourceRoots;
  /** Folders never archived: the tool's state directory, a local backup target inside a source. */
  excludeAbsolute: string[];
  keys: EncryptionKeys;
  encryption: EncryptionKind;
  compression: CompressionChoice;
  zstdBinary: string;
  /** The `sqlite3` program databases are captured with when `node:sqlite` has no backup() (Node 20). */
  sqlite3Binary?: string;
  /** Where database copies are made while archived (default: the system's temp folder). */
  scratchRoot?: string;
  host: string;
  tool: string;
  now: () => number;
  /** Asked at each upload: who wants its live progress now (undefined: nobody, no stats flags). */
  progress?: () => ((progress: RcloneProgress) => void) | undefined;
}

export interface RuntimeInput {
  ops: BackupOps;
  config: BackupConfig;
  roots: SourceRoots;
  excludeAbsolute: string[];
  identities?: string[];
  zstdBinary?: string;
  sqlite3Binary?: string;
  scratchRoot?: string;
  now?: () => number;
  progress?: BackupRuntime["progress"];
}

/** Throws EncryptionConfigError when `encrypt` is on with no passphrase and no recipients. */
export function backupRuntime(input: RuntimeInput): BackupRuntime {
  const { config } = input;
  const keys: EncryptionKeys = {
    passphrase: config.passphrase,
    recipients: config.recipients,
    identities: input.identities,
  };
  return {
    ops: input.ops,
    config,
    roots: input.roots,
    excludeAbsolute: input.excludeAbsolute,
    keys,
    encryption: encryptionKindOf(config.encrypt, keys),
    compression: compressionOf(config),
    zstdBinary: input.zstdBinary ?? "zstd",
    ...(input.sqlite3Binary ? { sqlite3Binary: input.sqlite3Binary } : {}),
    ...(input.scratchRoot ? { scratchRoot: input.scratchRoot } : {}),
    host: hostname(),
    tool: `openclaw-workspace-sync ${toolVersion()}`,
    now: input.now ?? Date.now,
    ...(input.progress ? { progress: input.progress } : {}),
  };
}
