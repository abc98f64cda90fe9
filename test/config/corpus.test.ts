/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in config strings is under test */
/**
 * A corpus of bad configs. Each is refused with an error that names the offending key, and nothing
 * is written: checked through `parseConfig` and through the real CLI (`sync`), which must exit 2 and
 * leave no state directory, no cloud folder and no workspace file behind.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/load.js";
import { createSandbox, filesIn, pathExists, type Sandbox } from "../support/sandbox.js";

const base = { mode: "mailbox", provider: "local" };
const token =
  '{"access_token":"x","token_type":"bearer","refresh_token":"r","expiry":"2030-01-01T00:00:00Z"}';

/** [config, the key its error must name]. */
const badConfigs: readonly [unknown, string][] = [
  [{ provider: "local" }, "mode"],
  [{ ...base, mode: "push" }, "mode"],
  [{ ...base, mode: 1 }, "mode"],
  [{ ...base, provider: "ftp" }, "provider"],
  [{ ...base, provider: ["s3"] }, "provider"],
  // The root of a full-access cloud; "" on `local` (a folder of its own) is accepted: test/e2e/compat.
  [{ ...base, provider: "dropbox", remotePath: "" }, "remotePath"],
  [{ ...base, provider: "gdrive", remotePath: "//" }, "remotePath"],
  [{ ...base, remotePath: "../up" }, "remotePath"],
  [{ ...base, remotePath: "a\nb" }, "remotePath"],
  [{ ...base, remotePath: null }, "remotePath"],
  [{ ...base, localPath: "/abs" }, "localPath"],
  [{ ...base, localPath: "C:\\Users" }, "localPath"],
  [{ ...base, localPath: "a/../../b" }, "localPath"],
  [{ ...base, localPath: ".workspace-sync/x" }, "localPath"],
  [{ ...base, ingestPath: "../inbox" }, "ingestPath"],
  [{ ...base, remoteName: "has space" }, "remoteName"],
  [{ ...base, remoteName: "x]" }, "remoteName"],
  [{ ...base, remoteName: "" }, "remoteName"],
  [{ ...base, exclude: "*.log" }, "exclude"],
  [{ ...base, exclude: ["ok", "bad\nline"] }, "exclude"],
  [{ ...base, timeout: 10 }, "timeout"],
  [{ ...base, timeout: 60.5 }, "timeout"],
  [{ ...base, timeout: "1800" }, "timeout"],
  [{ ...base, interval: -5 }, "interval"],
  [{ ...base, interval: 1.5 }, "interval"],
  [{ ...base, onSessionStart: "true" }, "onSessionStart"],
  [{ ...base, onSessionEnd: 1 }, "onSessionEnd"],
  [{ ...base, notifyOnInbox: "no" }, "notifyOnInbox"],
  [{ ...base, ingest: null }, "ingest"],
  [{ ...base, conflictResolve: "mine" }, "conflictResolve"],
  [{ ...base, copySymlinks: "yes" }, "copySymlinks"],
  [{ ...base, maxDelete: -1 }, "maxDelete"],
  [{ ...base, configPath: "/etc/rclone\n[evil]" }, "configPath"],
  [{ ...base, local: "/srv" }, "local"],
  [{ ...base, local: { path: "relative" } }, "local.path"],
  [{ ...base, local: { path: "/srv/\u0007bell" } }, "local.path"],
  [{ ...base, retry: { attempts: 100 } }, "retry.attempts"],
  [{ ...base, retry: { delay: 0 } }, "retry.delay"],
  [{ ...base, provider: "s3" }, "s3.bucket"],
  [{ ...base, provider: "s3", s3: { bucket: "a/b" } }, "s3.bucket"],
  [
    { ...base, provider: "s3", s3: { bucket: "ok-bucket", secretAccessKey: "only-secret" } },
    "s3.accessKeyId",
  ],
  [{ ...base, provider: "s3", s3: { bucket: "ok-bucket", endpoint: "http://x\r\n[evil]" } }, "s3.endpoint"],
  [{ ...base, provider: "s3", s3: { bucket: "ok-bucket", provider: "Not An S3" } }, "s3.provider"],
  [{ ...base, provider: "s3", s3: "bucket" }, "s3"],
  [{ ...base, provider: "dropbox", dropbox: { token: "not json" } }, "dropbox.token"],
  [{ ...base, provider: "dropbox", dropbox: { token: `${token}\n[evil]\ntype = local` } }, "dropbox.token"],
  [{ ...base, provider: "dropbox", dropbox: { appKey: "key-only" } }, "dropbox.appSecret"],
  [{ ...base, provider: "dropbox", dropbox: { appFolder: true } }, "dropbox.appFolder"],
  [{ ...base, provider: "dropbox", dropbox: { appFolder: "yes" } }, "dropbox.appFolder"],
  [{ ...base, provider: "gdrive", gdrive: { token: '{"refresh_token":"only"}' } }, "gdrive.token"],
  [{ ...base, provider: "gdrive", gdrive: { teamDrive: "a\u0000b" } }, "gdrive.teamDrive"],
  [{ ...base, provider: "onedrive", onedrive: { driveType: "work" } }, "onedrive.driveType"],
  [{ ...base, provider: "onedrive", onedrive: { driveId: "abc" } }, "onedrive.driveType"],
  [{ ...base, provider: "custom" }, "custom.rcloneType"],
  [{ ...base, provider: "custom", custom: { rcloneType: "s f t p" } }, "custom.rcloneType"],
  [
    { ...base, provider: "custom", custom: { rcloneType: "sftp", rcloneOptions: { "Bad]Key": "x" } } },
    "custom.rcloneOptions",
  ],
  [
    { ...base, provider: "custom", custom: { rcloneType: "sftp", rcloneOptions: { host: 22 } } },
    "custom.rcloneOptions.host",
  ],
  [
    { ...base, provider: "custom", custom: { rcloneType: "sftp", rcloneOptions: { pass: "a\n[x]" } } },
    "custom.rcloneOptions.pass",
  ],
  [{ ...base, remotePath: "${NOT_SET_ANYWHERE}" }, "remotePath"],
  [{ ...base, provider: "s3", s3: { bucket: "b-${NOPE_BUCKET}" } }, "s3.bucket"],
  [{ sync: { ...base, timeout: 1 } }, "sync.timeout"],
  [{ sync: { provider: "local" } }, "sync.mode"],
];

/** [config, the key its error must name]: a bad `backup` block disables backups, never the sync. */
const badBackupConfigs: readonly [unknown, string][] = [
  [{ ...base, backup: { interval: -10 } }, "backup.interval"],
  [{ ...base, backup: { include: ["secrets"] } }, "backup.include"],
  [{ ...base, backup: { compression: "zip" } }, "backup.compression"],
  [{ ...base, backup: { retain: { daily: "7" } } }, "backup.retain"],
  [{ ...base, backup: { remoteName: "a b" } }, "backup.remoteName"],
  [{ ...base, backup: { passphrase: "${NO_PASSPHRASE_VAR}" } }, "backup.passphrase"],
  [{ ...base, backup: { enabled: true, encrypt: true } }, "backup.encrypt"],
];

describe("bad config corpus", () => {
  it("holds at least 40 configs", () => {
    expect(badConfigs.length).toBeGreaterThanOrEqual(40);
  });

  it.each(badBackupConfigs)("%j: backups disabled, naming %s; the sync config stands", (raw, key) => {
    const loaded = parseConfig(raw, "cfg.json", {});
    expect(loaded.backup).toBeNull();
    expect(loaded.backupError).toContain(`\`${key}\``);
    expect(loaded.sync.mode).toBe("mailbox");
  });

  it.each(badConfigs)("%j: refused, naming %s", (raw, key) => {
    let message = "";
    try {
      parseConfig(raw, "cfg.json", {});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(`\`${key}\``);
  });
});

describe("bad configs through the CLI", () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await createSandbox();
  });
  afterAll(async () => {
    await box.cleanup();
  });

  it("each exits 2 naming the key, and writes nothing", async () => {
    for (const [raw, key] of badConfigs) {
      await writeFile(box.configPath, JSON.stringify(raw));
      const result = await box.cli("sync");
      expect(result.code, `${JSON.stringify(raw)}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(key);
      expect(await pathExists(box.stateDir)).toBe(false);
      expect(await pathExists(box.cloud)).toBe(false);
      expect(await filesIn(box.workspace)).toEqual([]);
    }
  }, 240_000);

  it("a bad backup block: `backup status` exits 2 naming the key, and writes nothing", async () => {
    for (const [raw, key] of badBackupConfigs) {
      await writeFile(box.configPath, JSON.stringify(raw));
      const result = await box.cli("backup", "status");
      expect(result.code, `${JSON.stringify(raw)}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain("backups are disabled");
      expect(result.stderr).toContain(key);
      expect(await pathExists(box.stateDir)).toBe(false);
      expect(await pathExists(box.cloud)).toBe(false);
    }
  }, 120_000);
});
