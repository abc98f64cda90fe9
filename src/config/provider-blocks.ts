/**
 * The provider blocks (`s3`, `dropbox`, `gdrive`, `onedrive`, `custom`), shared by the sync config
 * and the backup block (which may override them for its own remote). Keys follow the existing plugin.
 */
import { z } from "zod";

/** One line of text that cannot break the rclone config file it is written into. */
export const configValue = (key: string) =>
  z
    .string({ error: `\`${key}\` must be a string` })
    .refine((v) => !/[\r\n\0]/.test(v), { error: `\`${key}\` must be one line (no newlines)` });

export const s3Block = z.object(
  {
    endpoint: configValue("s3.endpoint").optional(),
    bucket: configValue("s3.bucket").optional(),
    region: configValue("s3.region").optional(),
    accessKeyId: configValue("s3.accessKeyId").optional(),
    secretAccessKey: configValue("s3.secretAccessKey").optional(),
    /** rclone's s3 `provider` (AWS, Minio, Cloudflare, Other, ...). */
    provider: configValue("s3.provider").optional(),
  },
  { error: '`s3` must be an object such as { "bucket": "my-bucket", "region": "us-east-1" }' },
);

export const dropboxBlock = z.object(
  {
    appFolder: z.boolean({ error: "`dropbox.appFolder` must be true or false" }).optional(),
    appKey: configValue("dropbox.appKey").optional(),
    appSecret: configValue("dropbox.appSecret").optional(),
    token: configValue("dropbox.token").optional(),
  },
  { error: "`dropbox` must be an object" },
);

export const gdriveBlock = z.object(
  {
    token: configValue("gdrive.token").optional(),
    teamDrive: configValue("gdrive.teamDrive").optional(),
    rootFolderId: configValue("gdrive.rootFolderId").optional(),
  },
  { error: "`gdrive` must be an object" },
);

export const onedriveBlock = z.object(
  {
    token: configValue("onedrive.token").optional(),
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
    rcloneType: configValue("custom.rcloneType").regex(/^[a-z0-9]+$/, {
      error: "`custom.rcloneType` must be an rclone backend name such as sftp, webdav or b2",
    }),
    rcloneOptions: z
      .record(
        z.string().regex(/^[a-z0-9_]+$/, {
          error: "`custom.rcloneOptions` keys must be rclone option names (lowercase, digits, `_`)",
        }),
        configValue("custom.rcloneOptions.*"),
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

export type S3Block = z.infer<typeof s3Block>;
export type CustomBlock = z.infer<typeof customBlock>;
