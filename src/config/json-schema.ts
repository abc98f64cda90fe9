/**
 * The plugin's `configSchema` (JSON Schema) and `uiHints`, generated from the zod schemas: one source of
 * truth for `openclaw.plugin.json`. The JSON Schema accepts the flat form (sync keys at the top, with an
 * optional `backup`) and the nested form (`{sync, backup}`); refinements (paths, tokens) are checked by
 * the zod schema at load time, with errors that name the key.
 */
import { z } from "zod";
import { isRecord } from "../util/json.js";
import { backupSchema } from "./backup.js";
import { syncSchema } from "./schema.js";

type JsonSchema = Record<string, unknown>;

function inputSchema(schema: z.ZodType): JsonSchema {
  // draft-07 and no `$schema`: what OpenClaw's manifest validator reads.
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-07",
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The JSON Schema of the whole plugin config, flat or nested. */
export function pluginConfigJsonSchema(): JsonSchema {
  const sync = inputSchema(syncSchema);
  const backup = inputSchema(backupSchema);
  const flat = {
    ...sync,
    properties: { ...(isRecord(sync.properties) ? sync.properties : {}), backup },
  };
  const nested = {
    type: "object",
    properties: { sync, backup },
    required: ["sync"],
  };
  return {
    title: "openclaw-workspace-sync",
    anyOf: [nested, flat],
  };
}

export interface UiHint {
  label: string;
  help?: string;
  placeholder?: string;
  sensitive?: boolean;
  advanced?: boolean;
}

const providerHints: Record<string, UiHint> = {
  "dropbox.token": {
    label: "Dropbox OAuth token",
    sensitive: true,
    help: "Token JSON from `workspace-sync authorize`; without it, authorize stores one",
  },
  "dropbox.appKey": { label: "Dropbox app key", sensitive: true, help: "Your own (App folder) Dropbox app" },
  "dropbox.appSecret": { label: "Dropbox app secret", sensitive: true },
  "dropbox.appFolder": { label: "Dropbox app folder", help: "The app key is an App-folder app's" },
  "gdrive.token": { label: "Google Drive OAuth token", sensitive: true },
  "gdrive.teamDrive": { label: "Shared drive ID", advanced: true },
  "gdrive.rootFolderId": { label: "Root folder ID", advanced: true },
  "onedrive.token": { label: "OneDrive OAuth token", sensitive: true },
  "onedrive.driveId": { label: "Drive ID", advanced: true },
  "onedrive.driveType": { label: "Drive type", advanced: true },
  "s3.accessKeyId": { label: "S3 access key ID", sensitive: true },
  "s3.secretAccessKey": { label: "S3 secret access key", sensitive: true },
  "s3.bucket": { label: "S3 bucket", help: "Files go to <bucket>/<remotePath>" },
  "custom.rcloneType": { label: "rclone backend type", help: "Any rclone backend (sftp, b2, webdav, ...)" },
  "custom.rcloneOptions": {
    label: "rclone options",
    sensitive: true,
    advanced: true,
    help: "Options as in rclone.conf (passwords obscured with `rclone obscure`)",
  },
};

const syncHints: Record<string, UiHint> = {
  provider: { label: "Cloud provider" },
  mode: { label: "Sync mode", help: "mailbox (safest), mirror, bisync" },
  remotePath: { label: "Remote path", placeholder: "openclaw-share" },
  localPath: { label: "Local path", placeholder: "shared", advanced: true },
  interval: { label: "Sync interval (seconds)", placeholder: "0", help: "0 = no timer" },
  timeout: { label: "rclone timeout (seconds)", placeholder: "1800", advanced: true },
  onSessionStart: { label: "Sync on session start" },
  onSessionEnd: { label: "Sync on session end" },
  remoteName: { label: "rclone remote name", placeholder: "cloud", advanced: true },
  conflictResolve: { label: "Conflict resolution (bisync)" },
  notifyOnInbox: {
    label: "Tell the agent about inbox arrivals",
    help: 'true wakes the agent; "nextTurn" adds them to its next turn without waking it',
  },
  alertAfterFailures: {
    label: "Alert after failed syncs",
    placeholder: "3",
    help: "Failed attempts in a row before plugin health and the agent's next turn are told",
    advanced: true,
  },
  ...providerHints,
};

/** `uiHints` for the manifest, flat and nested keys alike; every credential is marked sensitive. */
export const uiHints: Readonly<Record<string, UiHint>> = Object.fromEntries([
  ...Object.entries(syncHints),
  ...Object.entries(syncHints).map(([key, hint]) => [`sync.${key}`, hint]),
  ["backup.passphrase", { label: "Backup passphrase", sensitive: true }],
  ...Object.entries(providerHints).map(([key, hint]) => [`backup.${key}`, hint]),
]);

/** Keys whose values are secrets (for redaction checks and tests). */
export const sensitiveKeys: readonly string[] = Object.entries(uiHints)
  .filter(([, hint]) => hint.sensitive)
  .map(([key]) => key);
