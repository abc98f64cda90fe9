/** The backup block's own checks: keys that cannot go together, levels per algorithm, the remote it makes. */
import { describe, expect, it } from "vitest";
import { encryptionKindOf } from "../../src/backup/codec/age.js";
import { backupProviderName, backupProviderSettings } from "../../src/backup/remote.js";
import { backupScheduleLine, backupScheduleSeconds } from "../../src/config/backup.js";
import { parseConfig } from "../../src/config/load.js";

const recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
const parse = (backup: Record<string, unknown>, sync: Record<string, unknown> = {}) =>
  parseConfig({ mode: "mailbox", provider: "local", ...sync, backup }, "cfg.json", {
    BACKUP_PASSPHRASE: "pw",
  });

describe("backup config", () => {
  it("applies the defaults and expands an environment variable in the passphrase", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax under test
    const { backup } = parse({ passphrase: "${BACKUP_PASSPHRASE}" });
    expect(backup).toMatchObject({
      enabled: false,
      interval: 86400,
      encrypt: true,
      passphrase: "pw",
      compression: "gzip",
      include: ["workspace", "config", "cron", "memory"],
      retain: 7,
    });
  });

  it.each([
    [{ passphrase: "x", recipients: [recipient] }, /cannot be used together/],
    [{ compression: "gzip", compressionLevel: 12 }, /for gzip must be 1 to 9/],
    [{ compression: "none", compressionLevel: 1 }, /does not apply to `compression: "none"`/],
    [{ compression: "lz4" }, /must be one of: gzip, brotli, zstd, none/],
    [{ interval: -5 }, /must be 0 \(no schedule\) or a number of seconds/],
    [{ encrypt: true }, /neither `backup.passphrase` nor `backup.recipients` is set/],
    [{ recipients: ["ssh-ed25519 AAAA"] }, /must be age public keys/],
    [{ retain: 0 }, /keep at least 1 snapshot/],
    [{ retain: { daily: 0 } }, /must keep something/],
    [{ identityFile: "key.txt" }, /must be an absolute path/],
    [{ prefix: "a/../b" }, /must not contain `\.\.`/],
  ])("disables backups for %j, naming the key", (backup, message) => {
    const loaded = parse(backup);
    expect(loaded.backup).toBeNull();
    expect(loaded.backupError).toMatch(message);
  });

  it("encrypt defaults to false as the original plugin documents, and to true when a key is given", () => {
    expect(parse({}).backup?.encrypt).toBe(false);
    expect(parse({ encrypt: false, passphrase: "x" }).backup?.encrypt).toBe(false);
    expect(parse({ recipients: [recipient] }).backup?.encrypt).toBe(true);
  });

  it("interval 0 is no schedule; below 300 is raised to 300, as the original plugin did", () => {
    expect(backupScheduleSeconds({ enabled: true, interval: 0 })).toBeNull();
    expect(backupScheduleSeconds({ enabled: true, interval: 60 })).toBe(300);
    expect(backupScheduleSeconds({ enabled: false, interval: 3600 })).toBeNull();
    expect(backupScheduleSeconds({ enabled: true, interval: 3600 })).toBe(3600);
    expect(backupScheduleLine({ enabled: true, interval: 60 })).toBe(
      "every 300 s (`backup.interval` 60 s is below the minimum, raised to 300 s)",
    );
    expect(backupScheduleLine({ enabled: true, interval: 0 })).toMatch(/^none \(`backup.interval` is 0\)/);
  });

  it("asks for a passphrase or recipients when encrypting, before anything runs", () => {
    expect(() => encryptionKindOf(true, {})).toThrow(/neither `backup.passphrase` nor `backup.recipients`/);
    expect(encryptionKindOf(false, {})).toBe("none");
    expect(encryptionKindOf(true, { recipients: [recipient] })).toBe("age-recipients");
  });

  it("takes the sync provider, else s3 when sync is off, as the original plugin did", () => {
    const local = parse({});
    if (!local.backup) throw new Error("no backup block");
    expect(backupProviderName(local.sync, local.backup)).toBe("local");
    const off = parse({ bucket: "backups" }, { provider: "off" });
    if (!off.backup) throw new Error("no backup block");
    expect(backupProviderName(off.sync, off.backup)).toBe("s3");
    expect(backupProviderSettings(off.sync, off.backup).s3).toEqual({ bucket: "backups" });
  });

  it("merges the backup's provider blocks over the sync ones, and `bucket` names the S3 bucket", () => {
    const { sync, backup } = parse(
      { provider: "s3", bucket: "backups", s3: { region: "eu-west-1" } },
      { s3: { bucket: "share", endpoint: "http://127.0.0.1:9000" } },
    );
    if (!backup) throw new Error("no backup block");
    expect(backupProviderSettings(sync, backup).s3).toEqual({
      bucket: "backups",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-1",
    });
  });
});
