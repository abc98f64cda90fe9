/**
 * The provider blocks (`s3`, `dropbox`, `gdrive`, `onedrive`, `custom`), shared by the sync config
 * and the backup block (which may override them for its own remote). Keys follow the existing plugin.
 */
import { z } from "zod";
import { hasControlChar as hasControlCharacter } from "../rclone/remote.js";
import { runnable } from "../util/command.js";
import { fieldOf } from "../util/json.js";

export { hasControlCharacter };

const oneLineMessage = "must be one line of printable text (no newlines or control characters)";

/** One line of text that cannot break the rclone config file it is written into. */
export const configValue = (key: string) =>
  z
    .string({ error: `\`${key}\` must be a string` })
    .refine((v) => !hasControlCharacter(v), { error: `\`${key}\` ${oneLineMessage}`, abort: true });

/**
 * An OAuth token as `rclone authorize` prints it: one line of JSON with an `access_token`.
 * Checked here so a pasted or `${ENV}` token that is not one fails with its key named.
 */
export const tokenValue = (key: string) =>
  configValue(key).refine(
    (v) => {
      try {
        return typeof fieldOf(JSON.parse(v), "access_token") === "string";
      } catch {
        return false;
      }
    },
    {
      error: () =>
        `\`${key}\` must be the token JSON from \`${runnable("authorize")}\` or \`rclone authorize\` ({"access_token": ...})`,
    },
  );

export const s3Block = z.object(
  {
    endpoint: configValue("s3.endpoint").optional(),
    bucket: configValue("s3.bucket")
      .refine((v) => /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(v), {
        error: "`s3.bucket` must be a bucket name: 3 or more letters, digits, `.`, `_` or `-` (no `/`)",
      })
      .optional(),
    region: configValue("s3.region").optional(),
    accessKeyId: configValue("s3.accessKeyId").optional(),
    secretAccessKey: configValue("s3.secretAccessKey").optional(),
    /** rclone's s3 `provider` (AWS, Minio, Cloudflare, Other, ...). */
    provider: configValue("s3.provider")
      .refine((v) => /^[A-Za-z0-9]+$/.test(v), {
        error: "`s3.provider` must be an rclone S3 provider name such as AWS, Cloudflare, Minio or Other",
      })
      .optional(),
  },
  { error: '`s3` must be an object such as { "bucket": "my-bucket", "region": "us-east-1" }' },
);

export const dropboxBlock = z.object(
  {
    /** The app key belongs to an "App folder" Dropbox app: the remote's root is that folder. */
    appFolder: z.boolean({ error: "`dropbox.appFolder` must be true or false" }).optional(),
    appKey: configValue("dropbox.appKey").optional(),
    appSecret: configValue("dropbox.appSecret").optional(),
    token: tokenValue("dropbox.token").optional(),
  },
  { error: "`dropbox` must be an object" },
);

export const gdriveBlock = z.object(
  {
    token: tokenValue("gdrive.token").optional(),
    teamDrive: configValue("gdrive.teamDrive").optional(),
    rootFolderId: configValue("gdrive.rootFolderId").optional(),
  },
  { error: "`gdrive` must be an object" },
);

export const onedriveBlock = z.object(
  {
    token: tokenValue("onedrive.token").optional(),
    driveId: configValue("onedrive.driveId").optional(),
    driveType: z
      .enum(["personal", "business", "sharepoint"], {
        error: "`onedrive.driveType` must be one of: personal, business, sharepoint",
      })
      .optional(),
  },
  { error: "`onedrive` must be an object" },
);

export const customBlock = z.object(
  {
    // One lowercase word, or words of two letters or more (rclone's longer names: "google cloud storage").
    // Whether the installed rclone knows it is checked when the remote is written (src/effects/remote.ts).
    rcloneType: configValue("custom.rcloneType").regex(/^(?:[a-z0-9]+|[a-z0-9]{2,}(?: [a-z0-9]{2,})+)$/, {
      error:
        '`custom.rcloneType` must be an rclone backend name such as sftp, webdav, b2 or "google cloud storage" (`rclone help backends` lists them)',
    }),
    rcloneOptions: z
      .record(
        z.string().regex(/^[a-z0-9_]+$/, {
          error: "`custom.rcloneOptions` keys must be rclone option names (lowercase, digits, `_`)",
        }),
        z
          .string({ error: "must be a string (rclone options are text)" })
          .refine((v) => !hasControlCharacter(v), { error: oneLineMessage }),
        { error: "`custom.rcloneOptions` must be an object of string values" },
      )
      .default({}),
  },
  { error: '`custom` must be an object such as { "rcloneType": "sftp", "rcloneOptions": { ... } }' },
);

export const providerBlocks = {
  s3: s3Block.optional(),
  dropbox: dropboxBlock.optional(),
  gdrive: gdriveBlock.optional(),
  onedrive: onedriveBlock.optional(),
  custom: customBlock.optional(),
};

export const providerNames = ["local", "dropbox", "gdrive", "onedrive", "s3", "custom"] as const;
export type ProviderName = (typeof providerNames)[number];

export type S3Block = z.infer<typeof s3Block>;
export type DropboxBlock = z.infer<typeof dropboxBlock>;
export type GdriveBlock = z.infer<typeof gdriveBlock>;
export type OnedriveBlock = z.infer<typeof onedriveBlock>;
export type CustomBlock = z.infer<typeof customBlock>;
