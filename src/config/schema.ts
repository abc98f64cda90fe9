/**
 * The plugin's configuration, one zod schema. Keys and defaults follow the existing plugin, so an
 * existing `plugins.entries.openclaw-workspace-sync.config` keeps working, flat or nested `{sync, backup}`.
 */
import { z } from "zod";
import { configValue, hasControlCharacter, providerBlocks, providerNames } from "../providers/blocks.js";

export const modes = ["mailbox", "mirror", "bisync"] as const;
export const supportedProviders = ["off", ...providerNames] as const;

function isInside(relative: string): boolean {
  const parts = relative.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  let depth = 0;
  for (const part of parts) {
    depth += part === ".." ? -1 : 1;
    if (depth < 0) return false;
  }
  return true;
}

/**
 * `""`, `"/"`, `"."` and `"./"` (any mix of `/` and `.` segments): the whole workspace. The original plugin
 * documented `"/"` and `"."`; all of them mean the workspace root here and become `""`.
 */
export function isWorkspaceRootSpelling(p: string): boolean {
  return p.split(/[\\/]+/).every((segment) => segment === "" || segment === ".");
}

/** A folder inside the workspace (`localPath`, `ingestPath`); a root spelling is allowed here. */
const workspaceFolder = (key: string) =>
  z
    .string({ error: `\`${key}\` must be a string: a folder inside the workspace ("" = the workspace root)` })
    .refine((p) => isWorkspaceRootSpelling(p) || (!p.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(p)), {
      error: `\`${key}\` must be relative to the workspace, not an absolute path`,
    })
    .refine(isInside, { error: `\`${key}\` must stay inside the workspace (no \`..\` escape)` })
    .refine((p) => !p.split(/[\\/]+/).includes(".workspace-sync"), {
      error: `\`${key}\` must not be inside \`.workspace-sync\` (the tool's own folder)`,
    })
    .refine((p) => !hasControlCharacter(p), { error: `\`${key}\` must not contain control characters` });

/** A root spelling becomes `""`, the one the rest of the tool reads (after the default, so the schema keeps it). */
const rootAsEmpty = (p: string): string => (isWorkspaceRootSpelling(p) ? "" : p);

/**
 * The folder on the remote. Empty (the remote's root) only for a Dropbox app folder, whose root is the
 * app's own folder (checked on the whole object, below).
 */
const remotePath = z
  .string({ error: '`remotePath` must be a string: a folder on the remote, such as "openclaw-share"' })
  .refine((p) => !p.split("/").includes(".."), { error: "`remotePath` must not contain `..`" })
  .refine((p) => !hasControlCharacter(p), { error: "`remotePath` must not contain control characters" })
  .default("openclaw-share")
  .transform((p) => p.replace(/^\/+|\/+$/g, ""));

const seconds = (key: string, min: number, fallback: number) =>
  z
    .number({ error: `\`${key}\` must be a number of seconds (at least ${min})` })
    .int({ error: `\`${key}\` must be a whole number of seconds` })
    .min(min, { error: `\`${key}\` must be at least ${min} seconds` })
    .default(fallback);

export const syncSchema = z
  .object({
    provider: z
      .enum(supportedProviders, {
        error: "`provider` must be one of: off, local, dropbox, gdrive, onedrive, s3, custom",
      })
      .default("off"),
    mode: z.enum(modes, {
      error: (issue) =>
        issue.input === undefined
          ? "`mode` is required: one of mailbox (safest), mirror, bisync"
          : "`mode` must be one of: mailbox (safest), mirror, bisync",
    }),
    remotePath,
    localPath: workspaceFolder("localPath").default("shared").transform(rootAsEmpty),
    remoteName: z
      .string({ error: "`remoteName` must be a string" })
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, {
        error:
          "`remoteName` may hold letters, digits, `_`, `-` and `.` (up to 64), like an rclone remote name",
      })
      .default("cloud"),
    exclude: z
      .array(
        z
          .string()
          .refine((p) => !hasControlCharacter(p), { error: "`exclude` patterns must be one line each" }),
        {
          error: "`exclude` must be a list of rclone filter patterns",
        },
      )
      .default(["**/.DS_Store"]),
    timeout: seconds("timeout", 60, 1800),
    interval: z
      .number({ error: "`interval` must be a number of seconds (0 = no timer)" })
      .int({ error: "`interval` must be a whole number of seconds" })
      .min(0, { error: "`interval` must be 0 (no timer) or a number of seconds" })
      .default(0),
    /**
     * A long-lived host (daemon, plugin service; never a one-shot command) watches the synced folder and pushes
     * what changed within seconds (mailbox), or runs a cycle (bisync); full cycles remain the safety net.
     * false: only the interval timer, hooks and people.
     */
    watch: z.boolean({ error: "`watch` must be true or false" }).default(true),
    watchDebounceMs: z
      .number({ error: "`watchDebounceMs` must be a number of milliseconds from 0 to 60000" })
      .int({ error: "`watchDebounceMs` must be a whole number of milliseconds" })
      .min(0, { error: "`watchDebounceMs` must be a number of milliseconds from 0 to 60000" })
      .max(60000, { error: "`watchDebounceMs` must be a number of milliseconds from 0 to 60000" })
      .default(1500),
    /** The full cycle's timer while watching (absent: `interval`, or hourly when `interval` is 0). */
    fullSyncInterval: z
      .number({ error: "`fullSyncInterval` must be a number of seconds (0 = no timer)" })
      .int({ error: "`fullSyncInterval` must be a whole number of seconds" })
      .min(0, { error: "`fullSyncInterval` must be 0 (no timer) or a number of seconds" })
      .optional(),
    /** Mailbox, while watching: how often the remote `_outbox` is listed for arrivals (0 = never). */
    outboxPollInterval: z
      .number({ error: "`outboxPollInterval` must be a number of seconds (0 = no polling)" })
      .int({ error: "`outboxPollInterval` must be a whole number of seconds" })
      .min(0, { error: "`outboxPollInterval` must be 0 (no polling) or a number of seconds" })
      .default(30),
    onSessionStart: z.boolean({ error: "`onSessionStart` must be true or false" }).default(false),
    onSessionEnd: z.boolean({ error: "`onSessionEnd` must be true or false" }).default(false),
    /** OpenClaw: `true` wakes the agent when a drain brings files; `"nextTurn"` lists them in its next turn only. */
    notifyOnInbox: z
      .union([z.boolean(), z.literal("nextTurn")], {
        error: '`notifyOnInbox` must be true (wake the agent), "nextTurn" (tell its next turn) or false',
      })
      .default(false),
    /** OpenClaw: after this many failed sync attempts in a row, plugin health and the agent's next turn are told. */
    alertAfterFailures: z
      .number({ error: "`alertAfterFailures` must be a whole number from 1 to 100" })
      .int({ error: "`alertAfterFailures` must be a whole number from 1 to 100" })
      .min(1, { error: "`alertAfterFailures` must be a whole number from 1 to 100" })
      .max(100, { error: "`alertAfterFailures` must be a whole number from 1 to 100" })
      .default(3),
    ingest: z.boolean({ error: "`ingest` must be true or false" }).default(false),
    ingestPath: workspaceFolder("ingestPath")
      .refine((p) => !isWorkspaceRootSpelling(p), {
        error: '`ingestPath` must name a folder inside the synced folder, such as "inbox" (not its root)',
      })
      .default("inbox"),
    conflictResolve: z
      .enum(["newer", "local", "remote"], { error: "`conflictResolve` must be one of: newer, local, remote" })
      .default("newer"),
    copySymlinks: z.boolean({ error: "`copySymlinks` must be true or false" }).default(false),
    /** A one-way cycle that would delete more than this percent of the destination's files halts first. */
    maxDelete: z
      .number({ error: "`maxDelete` must be a percentage from 0 to 100" })
      .min(0, { error: "`maxDelete` must be a percentage from 0 to 100" })
      .max(100, { error: "`maxDelete` must be a percentage from 0 to 100" })
      .default(50),
    /** Mailbox: a file in the remote `_outbox` is drained only once unchanged for this long (0: at once). */
    outboxSettleSeconds: z
      .number({ error: "`outboxSettleSeconds` must be a number of seconds from 0 to 3600" })
      .min(0, { error: "`outboxSettleSeconds` must be a number of seconds from 0 to 3600" })
      .max(3600, { error: "`outboxSettleSeconds` must be a number of seconds from 0 to 3600" })
      .default(10),
    /** Accepted for compatibility: the tool always writes its own rclone config under the state directory. */
    configPath: configValue("configPath").optional(),
    ...providerBlocks,
    local: z
      .object(
        {
          path: z
            .string({ error: "`local.path` must be a string: an absolute folder that acts as the cloud" })
            .refine((p) => p.startsWith("/"), { error: "`local.path` must be an absolute path" })
            .refine((p) => !hasControlCharacter(p), {
              error: "`local.path` must not contain control characters",
            })
            .optional(),
        },
        { error: '`local` must be an object such as { "path": "/srv/cloud" }' },
      )
      .default({}),
    retry: z
      .object(
        {
          attempts: z
            .number({ error: "`retry.attempts` must be a number" })
            .int()
            .min(1, { error: "`retry.attempts` must be between 1 and 20" })
            .max(20, { error: "`retry.attempts` must be between 1 and 20" })
            .default(5),
          delay: z
            .number({ error: "`retry.delay` must be a number of seconds" })
            .min(0.1, { error: "`retry.delay` must be at least 0.1 seconds" })
            .default(10),
          maxDelay: z
            .number({ error: "`retry.maxDelay` must be a number of seconds" })
            .min(0.1, { error: "`retry.maxDelay` must be at least 0.1 seconds" })
            .default(300),
        },
        { error: '`retry` must be an object such as { "attempts": 5, "delay": 10 }' },
      )
      .default({ attempts: 5, delay: 10, maxDelay: 300 }),
  })
  .superRefine((config, context) => {
    const refusal = remoteRootRefusal(config);
    if (refusal !== null) context.addIssue({ code: "custom", path: ["remotePath"], message: refusal });
  });

/** rclone options by which a `custom` remote's own root already names a folder (alias, crypt, a root folder id). */
const folderNamingOptions = ["remote", "root_folder_id"];

/**
 * `remotePath: ""` syncs the remote's root. Accepted where that root is the user's dedicated space (a Dropbox app
 * folder, a `local` folder, an S3 bucket, a Drive `rootFolderId`, a `custom` remote whose options name a folder);
 * refused on a full-access account's root, with the two fixes and why.
 */
function remoteRootRefusal(config: {
  provider: (typeof supportedProviders)[number];
  remotePath: string;
  dropbox?: { appFolder?: boolean | undefined } | undefined;
  gdrive?: { rootFolderId?: string | undefined } | undefined;
  custom?: { rcloneOptions: Record<string, string> } | undefined;
}): string | null {
  if (config.remotePath !== "") return null;
  const why = "a push would delete everything in the root that the workspace lacks";
  const named = 'or name a folder such as `"remotePath": "openclaw-share"`';
  switch (config.provider) {
    case "dropbox":
      if (config.dropbox?.appFolder === true) return null;
      return `\`remotePath\` "" is the root of the whole Dropbox: ${why}. Fix: set \`dropbox.appFolder: true\` (the app's own folder), ${named}`;
    case "gdrive":
      if (config.gdrive?.rootFolderId) return null;
      return `\`remotePath\` "" is the root of the whole Google Drive: ${why}. Fix: set \`gdrive.rootFolderId\` to a folder of its own, ${named}`;
    case "onedrive":
      return `\`remotePath\` "" is the root of the whole OneDrive: ${why}. Fix: ${named.replace(/^or n/, "n")}`;
    case "custom": {
      const options = Object.keys(config.custom?.rcloneOptions ?? {});
      if (options.some((o) => folderNamingOptions.includes(o))) return null;
      return `\`remotePath\` "" is the root of the whole remote: ${why}. Fix: give \`custom.rcloneOptions\` a folder (\`remote\` or \`root_folder_id\`), ${named}`;
    }
    default:
      return null;
  }
}

export type SyncConfig = z.infer<typeof syncSchema>;
export type SyncConfigInput = z.input<typeof syncSchema>;

/** Every key the schema knows at the top level, for "did you mean" warnings. */
export const knownSyncKeys: readonly string[] = Object.keys(syncSchema.shape);
/** The nesting keys: known, not warned about. */
export const reservedKeys: readonly string[] = ["backup", "sync"];
