/**
 * The plugin's JSON Schema is generated from the zod schemas: it converts cleanly, accepts the flat and
 * nested forms, and agrees with zod on good and bad samples (checked with the JSON Schema itself, turned
 * into a validator). `uiHints` marks every credential sensitive.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pluginConfigJsonSchema, sensitiveKeys, uiHints } from "../../src/config/json-schema.js";
import { parseConfig } from "../../src/config/load.js";

const schema = pluginConfigJsonSchema();
const validator = z.fromJSONSchema(schema as never);
const accepts = (value: unknown) => validator.safeParse(value).success;

describe("plugin config JSON Schema", () => {
  it("is plain JSON with both forms", () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    const [nested, flat] = schema.anyOf as Record<string, Record<string, unknown>>[];
    expect(Object.keys(nested?.properties ?? {})).toEqual(["sync", "backup"]);
    for (const key of [
      "provider",
      "mode",
      "remotePath",
      "localPath",
      "interval",
      "timeout",
      "exclude",
      "s3",
      "dropbox",
      "gdrive",
      "onedrive",
      "custom",
      "backup",
    ]) {
      expect(flat?.properties).toHaveProperty(key);
    }
    const props = flat?.properties as Record<string, { default?: unknown }>;
    expect(props.remotePath?.default).toBe("openclaw-share");
    expect(props.timeout?.default).toBe(1800);
    expect(props.exclude?.default).toEqual(["**/.DS_Store"]);
  });

  const good: unknown[] = [
    { mode: "mailbox" },
    { mode: "mailbox", provider: "s3", s3: { bucket: "b-1", region: "us-east-1" }, interval: 300 },
    {
      sync: {
        mode: "bisync",
        provider: "dropbox",
        dropbox: { appFolder: true, appKey: "k", appSecret: "s" },
      },
      backup: { enabled: true },
    },
    { mode: "mirror", provider: "custom", custom: { rcloneType: "sftp", rcloneOptions: { host: "h" } } },
  ];
  const bad: unknown[] = [
    {},
    { mode: "sideways" },
    { mode: "mailbox", provider: "ftp" },
    { mode: "mailbox", timeout: 5 },
    { mode: "mailbox", exclude: "x" },
    { mode: "mailbox", onedrive: { driveType: "work" } },
    { mode: "mailbox", custom: { rcloneOptions: {} } },
    { sync: { provider: "local" } },
    { mode: "mailbox", backup: { retain: "all" } },
  ];

  it.each(good)("accepts %j, as zod does", (value) => {
    expect(accepts(value)).toBe(true);
    expect(() => parseConfig(value, "t", {})).not.toThrow();
  });

  it.each(bad)("refuses %j, as zod does", (value) => {
    expect(accepts(value)).toBe(false);
    // A bad `backup` block disables backups (`backupError`) and leaves the sync running; the rest throws.
    let problem: string | null = null;
    try {
      problem = parseConfig(value, "t", {}).backupError;
    } catch (error) {
      problem = String(error);
    }
    expect(problem).not.toBeNull();
  });

  it("uiHints mark every credential sensitive, flat, nested and in backup", () => {
    for (const key of [
      "dropbox.token",
      "dropbox.appSecret",
      "gdrive.token",
      "onedrive.token",
      "s3.secretAccessKey",
      "s3.accessKeyId",
    ]) {
      expect(uiHints[key]?.sensitive).toBe(true);
      expect(uiHints[`sync.${key}`]?.sensitive).toBe(true);
      expect(uiHints[`backup.${key}`]?.sensitive).toBe(true);
    }
    expect(uiHints["backup.passphrase"]?.sensitive).toBe(true);
    expect(sensitiveKeys).not.toContain("remotePath");
  });
});
