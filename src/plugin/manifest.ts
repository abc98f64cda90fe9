/**
 * `openclaw.plugin.json`, built from the zod schemas: `scripts/plugin-manifest.ts` writes it, and a test
 * fails when the committed file differs from what this builds. Change the schemas, then regenerate.
 */
import { z } from "zod";
import { pluginId } from "../config/load.js";
import { syncSchema } from "../config/schema.js";

export const pluginName = "Workspace Cloud Sync";
export const pluginDescription =
  "Keep the agent workspace in sync with cloud storage through rclone: mailbox, mirror or bisync, with an event log you can replay.";

/** The root CLI command the plugin registers (`openclaw workspace-sync ...`). */
export const cliCommand = "workspace-sync";
export const cliDescription = "Workspace cloud sync: sync, status, log, list";

/** Blocks the sync schema passes through to other parts (providers, backup): objects, checked there. */
const passThrough = z.looseObject({}).optional();

const flatConfig = syncSchema.extend({
  dropbox: passThrough,
  gdrive: passThrough,
  onedrive: passThrough,
  s3: passThrough,
  custom: passThrough,
  configPath: z.string().optional(),
  backup: passThrough,
});

const nestedConfig = z.object({ sync: flatConfig, backup: passThrough });

/** What `plugins.entries.openclaw-workspace-sync.config` may hold: the flat form or `{ sync, backup }`. */
export const pluginConfigSchema = z.union([flatConfig, nestedConfig]);

interface UiHint {
  label: string;
  help?: string;
  placeholder?: string;
  advanced?: boolean;
  sensitive?: boolean;
}

/** Labels for the config UI; secrets are marked sensitive in the flat and the nested form. */
const hints: Record<string, UiHint> = {
  mode: { label: "Sync mode", help: "mailbox (safest: push up, files arrive in _inbox), mirror, or bisync" },
  provider: { label: "Cloud provider", help: "Cloud storage provider for workspace sync" },
  remotePath: { label: "Remote path", placeholder: "openclaw-share", help: "Folder in cloud storage" },
  localPath: { label: "Local path", placeholder: "shared", help: "Folder inside the workspace to sync" },
  interval: {
    label: "Sync interval (seconds)",
    placeholder: "0",
    help: "Background sync (0 = off, at least 60)",
  },
  onSessionStart: { label: "Sync on session start", help: "Sync when an agent session begins" },
  onSessionEnd: { label: "Sync on session end", help: "Sync when an agent session ends" },
  notifyOnInbox: { label: "Notify on new inbox files", help: "Wake the agent when files arrive in _inbox" },
  timeout: { label: "rclone timeout (seconds)", advanced: true },
  remoteName: { label: "rclone remote name", placeholder: "cloud", advanced: true },
  configPath: { label: "rclone config path", advanced: true },
  conflictResolve: { label: "Conflict resolution", help: "bisync: newer, local or remote wins" },
  "local.path": { label: "Local cloud folder", help: "An absolute folder that acts as the cloud" },
  "dropbox.token": { label: "Dropbox OAuth token", sensitive: true },
  "dropbox.appKey": { label: "Dropbox app key", sensitive: true },
  "dropbox.appSecret": { label: "Dropbox app secret", sensitive: true },
  "gdrive.token": { label: "Google Drive OAuth token", sensitive: true },
  "onedrive.token": { label: "OneDrive OAuth token", sensitive: true },
  "s3.accessKeyId": { label: "S3 access key id", sensitive: true },
  "s3.secretAccessKey": { label: "S3 secret access key", sensitive: true },
  "custom.rcloneOptions": { label: "rclone options", advanced: true, sensitive: true },
  "backup.passphrase": { label: "Backup passphrase", sensitive: true },
};

function uiHints(): Record<string, UiHint> {
  const out: Record<string, UiHint> = {};
  for (const [key, hint] of Object.entries(hints)) {
    out[key] = hint;
    if (!key.startsWith("backup.")) out[`sync.${key}`] = hint;
  }
  return out;
}

export function configJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(pluginConfigSchema, {
    io: "input",
    target: "draft-07",
  }) as Record<string, unknown>;
  return schema;
}

export function pluginManifest(): Record<string, unknown> {
  return {
    id: pluginId,
    name: pluginName,
    description: pluginDescription,
    activation: { onStartup: true },
    cliCommands: [{ name: cliCommand, description: cliDescription, hasSubcommands: true }],
    skills: ["./skills"],
    uiHints: uiHints(),
    configSchema: configJsonSchema(),
  };
}

/** The manifest as it is written to disk. */
export function manifestText(): string {
  return `${JSON.stringify(pluginManifest(), null, 2)}\n`;
}
