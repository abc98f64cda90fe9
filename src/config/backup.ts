/**
 * The `backup` block: encrypted snapshots of the workspace and OpenClaw's state to a remote.
 * Keys follow the existing plugin; the remote is its own (`remoteName` "backup"), and its provider
 * defaults to the sync provider, with optional provider blocks of its own.
 */
import { z } from "zod";
import { configValue, providerBlocks } from "../providers/blocks.js";

export const backupIncludeItems = [
  "workspace",
  "config",
  "state",
  "cron",
  "memory",
  "sessions",
  "credentials",
  "skills",
  "hooks",
  "extensions",
  "env",
  "agents",
  "pages",
  "transcripts",
] as const;

const count = (key: string) =>
  z
    .number({ error: `\`${key}\` must be a whole number (-1 = unlimited)` })
    .int({ error: `\`${key}\` must be a whole number (-1 = unlimited)` })
    .min(-1, { error: `\`${key}\` must be -1 (unlimited), 0 or more` });

export const backupCompressions = ["gzip", "brotli", "zstd", "none"] as const;

export const retainSchema = z.union(
  [
    count("backup.retain").refine((n) => n >= 1, { error: "`backup.retain` must keep at least 1 snapshot" }),
    z
      .object({
        last: count("backup.retain.last").optional(),
        hourly: count("backup.retain.hourly").optional(),
        daily: count("backup.retain.daily").optional(),
        weekly: count("backup.retain.weekly").optional(),
        monthly: count("backup.retain.monthly").optional(),
        yearly: count("backup.retain.yearly").optional(),
      })
      .strict()
      .refine((r) => Object.values(r).some((n) => n !== undefined && n !== 0), {
        error: "`backup.retain` must keep something: set at least one of last, hourly, daily, ...",
      }),
  ],
  {
    error:
      "`backup.retain` must be a number (keep the newest N) or { last, hourly, daily, weekly, monthly, yearly }",
  },
);

const backupObject = z.object({
  enabled: z.boolean({ error: "`backup.enabled` must be true or false" }).default(false),
  provider: z
    .enum(["local", "dropbox", "gdrive", "onedrive", "s3", "custom"], {
      error: "`backup.provider` must be one of: local, dropbox, gdrive, onedrive, s3, custom",
    })
    .optional(),
  remoteName: z
    .string({ error: "`backup.remoteName` must be a string" })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, {
      error: "`backup.remoteName` may hold letters, digits, `_`, `-` and `.` (up to 64)",
    })
    .default("backup"),
  configPath: configValue("backup.configPath").optional(),
  remotePath: configValue("backup.remotePath").optional(),
  bucket: configValue("backup.bucket").optional(),
  prefix: configValue("backup.prefix")
    .refine((p) => !p.split("/").includes(".."), { error: "`backup.prefix` must not contain `..`" })
    .optional(),
  /** Seconds between scheduled backups; 0 = no schedule; below 300 raised to 300 (as the original plugin did). */
  interval: z
    .number({ error: "`backup.interval` must be a number of seconds (0 = no schedule)" })
    .int({ error: "`backup.interval` must be a whole number of seconds" })
    .min(0, { error: "`backup.interval` must be 0 (no schedule) or a number of seconds" })
    .default(86400),
  /** Default: false, as the original plugin documents; true when a `passphrase` or `recipients` is given. */
  encrypt: z.boolean({ error: "`backup.encrypt` must be true or false" }).optional(),
  passphrase: z.string({ error: "`backup.passphrase` must be a string" }).optional(),
  /** age public keys (`age1...`): the backup host then holds no secret. */
  recipients: z
    .array(
      z.string().regex(/^age1[0-9a-z]{58}$/, {
        error: "`backup.recipients` entries must be age public keys (age1...)",
      }),
      { error: "`backup.recipients` must be a list of age public keys" },
    )
    .optional(),
  /** `zstd` runs the system's `zstd` binary (Node 20's zlib has none); the others run in Node. */
  compression: z
    .enum(backupCompressions, {
      error: `\`backup.compression\` must be one of: ${backupCompressions.join(", ")}`,
    })
    .default("gzip"),
  /** gzip 1-9, brotli 0-11, zstd 1-19; each algorithm's own default when missing. */
  compressionLevel: z
    .number({ error: "`backup.compressionLevel` must be a whole number" })
    .int({ error: "`backup.compressionLevel` must be a whole number" })
    .min(0, { error: "`backup.compressionLevel` must be 0 or more" })
    .max(19, { error: "`backup.compressionLevel` must be at most 19" })
    .optional(),
  /** An age identity file (`AGE-SECRET-KEY-1...`) for verify and restore when backups go to `recipients`. */
  identityFile: z
    .string({ error: "`backup.identityFile` must be a string" })
    .refine((p) => p.startsWith("/"), { error: "`backup.identityFile` must be an absolute path" })
    .optional(),
  include: z
    .array(
      z.enum(backupIncludeItems, {
        error: `\`backup.include\` items must be among: ${backupIncludeItems.join(", ")}`,
      }),
      { error: "`backup.include` must be a list" },
    )
    .default(["workspace", "config", "cron", "memory"]),
  retain: retainSchema.default(7),
  exclude: z.array(z.string(), { error: "`backup.exclude` must be a list of glob patterns" }).optional(),
  local: z
    .object(
      {
        path: z
          .string({ error: "`backup.local.path` must be a string" })
          .refine((p) => p.startsWith("/"), { error: "`backup.local.path` must be an absolute path" })
          .optional(),
      },
      { error: "`backup.local` must be an object" },
    )
    .default({}),
  ...providerBlocks,
});

/** Limits of `compressionLevel` per algorithm (none takes no level). */
export const compressionLevels: Record<(typeof backupCompressions)[number], [number, number] | null> = {
  gzip: [1, 9],
  brotli: [0, 11],
  zstd: [1, 19],
  none: null,
};

/** The backup block, with the checks that span keys. */
export const backupSchema = backupObject
  .superRefine((backup, ctx) => {
    if (backup.passphrase !== undefined && backup.recipients !== undefined && backup.recipients.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["recipients"],
        message:
          "`backup.passphrase` and `backup.recipients` cannot be used together: an age file is sealed with a passphrase alone or with recipients; choose one",
      });
    }
    if (backup.passphrase === "") {
      ctx.addIssue({
        code: "custom",
        path: ["passphrase"],
        message: "`backup.passphrase` must not be empty",
      });
    }
    if (
      backup.encrypt === true &&
      backup.passphrase === undefined &&
      (backup.recipients ?? []).length === 0
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["encrypt"],
        message:
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax people write
          '`backup.encrypt` is true but neither `backup.passphrase` nor `backup.recipients` is set: set one (usually `passphrase: "${BACKUP_PASSPHRASE}"`), or `encrypt: false`',
      });
    }
    const limits = compressionLevels[backup.compression];
    if (backup.compressionLevel !== undefined) {
      if (limits === null) {
        ctx.addIssue({
          code: "custom",
          path: ["compressionLevel"],
          message: '`backup.compressionLevel` does not apply to `compression: "none"`',
        });
      } else if (backup.compressionLevel < limits[0] || backup.compressionLevel > limits[1]) {
        ctx.addIssue({
          code: "custom",
          path: ["compressionLevel"],
          message: `\`backup.compressionLevel\` for ${backup.compression} must be ${limits[0]} to ${limits[1]}`,
        });
      }
    }
  })
  .transform((backup) => ({
    ...backup,
    encrypt: backup.encrypt ?? (backup.passphrase !== undefined || (backup.recipients ?? []).length > 0),
  }));

/** The shortest schedule: a smaller `backup.interval` (but not 0) is raised to it, as the original plugin did. */
export const minBackupIntervalSeconds = 300;

/** Seconds between scheduled backups as the host runs them: null for no schedule (`enabled: false` or `interval: 0`). */
export function backupScheduleSeconds(backup: Pick<BackupConfig, "enabled" | "interval">): number | null {
  if (!backup.enabled || backup.interval === 0) return null;
  return Math.max(backup.interval, minBackupIntervalSeconds);
}

/** Every key the block knows, for "did you mean" warnings. */
export const knownBackupKeys: readonly string[] = Object.keys(backupObject.shape);

export type BackupConfig = z.infer<typeof backupSchema>;
export type BackupRetain = z.infer<typeof retainSchema>;

/** What the config makes of backups, for `status`: disabled by a problem, or scheduled, sealed or not. */
export interface BackupPlan {
  /** false: no `backup` block. */
  configured: boolean;
  /** Why backups are disabled (the block has a problem); sync runs on. */
  error: string | null;
  enabled: boolean;
  /** `backup.interval` as configured. */
  intervalSeconds: number | null;
  /** Seconds between scheduled backups as a host runs them; null: no schedule. */
  scheduleSeconds: number | null;
  /** false: snapshots are uploaded unencrypted (`backup.encrypt` false). */
  encrypted: boolean | null;
}

export function backupPlanOf(backup: BackupConfig | null, error: string | null): BackupPlan {
  if (backup === null) {
    return {
      configured: error !== null,
      error,
      enabled: false,
      intervalSeconds: null,
      scheduleSeconds: null,
      encrypted: null,
    };
  }
  return {
    configured: true,
    error: null,
    enabled: backup.enabled,
    intervalSeconds: backup.interval,
    scheduleSeconds: backupScheduleSeconds(backup),
    encrypted: backup.encrypt,
  };
}

/** The schedule in words: every N s (with a raised interval said), none with `interval: 0`, or off. */
export function backupScheduleLine(backup: Pick<BackupConfig, "enabled" | "interval">): string {
  if (!backup.enabled) return "off (`backup.enabled` is false): only `backup now`";
  const seconds = backupScheduleSeconds(backup);
  if (seconds === null) return "none (`backup.interval` is 0): only `backup now`";
  return seconds === backup.interval
    ? `every ${seconds} s`
    : `every ${seconds} s (\`backup.interval\` ${backup.interval} s is below the minimum, raised to ${seconds} s)`;
}
