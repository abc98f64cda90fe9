/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in config strings is the feature under test */
/** Config validation: every refusal names the key and what is allowed. */
import { describe, expect, it } from "vitest";
import { ConfigError, expandEnv, nearestKey, parseConfig, pluginEntryOf } from "../../src/config/load.js";

const base = { mode: "mailbox", provider: "local" };
const refuse = (raw: unknown) => () => parseConfig(raw, "cfg.json", {});

describe("config", () => {
  it("applies the documented defaults", () => {
    const { sync } = parseConfig(base, "cfg.json");
    expect(sync).toMatchObject({
      remotePath: "openclaw-share",
      localPath: "shared",
      remoteName: "cloud",
      exclude: ["**/.DS_Store"],
      timeout: 1800,
      interval: 0,
      retry: { attempts: 5, delay: 10, maxDelay: 300 },
    });
  });

  it("accepts the flat and the nested {sync, backup} forms alike", () => {
    const flat = parseConfig({ ...base, remotePath: "x" }, "a");
    const nested = parseConfig({ sync: { ...base, remotePath: "x" }, backup: { enabled: true } }, "b");
    expect(nested.sync).toEqual(flat.sync);
    expect(nested.backup).toMatchObject({ enabled: true, remoteName: "backup", interval: 86400, retain: 7 });
    expect(flat.backup).toBeNull();
  });

  it.each([
    [{ provider: "local" }, /`mode` is required: one of mailbox \(safest\), mirror, bisync/],
    [{ ...base, mode: "two-way" }, /`mode` must be one of: mailbox \(safest\), mirror, bisync/],
    [{ ...base, localPath: "/etc" }, /`localPath` must be relative/],
    [{ ...base, localPath: "../outside" }, /`localPath` must stay inside the workspace/],
    [{ ...base, localPath: "a/../../b" }, /`localPath` must stay inside the workspace/],
    [{ ...base, localPath: ".workspace-sync" }, /`localPath` must not be inside `.workspace-sync`/],
    [{ ...base, provider: "dropbox", remotePath: "" }, /`remotePath` "" is the root of the whole Dropbox/],
    [{ ...base, provider: "onedrive", remotePath: "/" }, /`remotePath` "" is the root of the whole OneDrive/],
    [{ ...base, remotePath: "a/../b" }, /`remotePath` must not contain `..`/],
    [{ ...base, remotePath: 42 }, /`remotePath` must be a string/],
    [{ ...base, timeout: 5 }, /`timeout` must be at least 60 seconds/],
    [{ ...base, timeout: "soon" }, /`timeout` must be a number of seconds/],
    [{ ...base, interval: -1 }, /`interval` must be 0/],
    [{ ...base, provider: "ftp" }, /`provider` must be one of: off, local/],
    [
      { ...base, provider: "dropbox", dropbox: { appFolder: true } },
      /`dropbox.appFolder` needs your App-folder app's `dropbox.appKey`/,
    ],
    [{ ...base, remoteName: "my remote" }, /`remoteName` may hold letters/],
    [{ ...base, exclude: "*.tmp" }, /`exclude` must be a list/],
    [{ ...base, local: { path: "relative/dir" } }, /`local.path` must be an absolute path/],
    [{ ...base, retry: { attempts: 0 } }, /`retry.attempts` must be between 1 and 20/],
    [{ ...base, onSessionStart: "yes" }, /`onSessionStart` must be true or false/],
    [
      { ...base, remotePath: "${MISSING_VAR}" },
      /`remotePath` uses \$\{MISSING_VAR\}, but the environment variable MISSING_VAR is not set/,
    ],
    [{ ...base, provider: "s3" }, /`s3.bucket` is required with `provider: "s3"`/],
    [{ ...base, provider: "s3", s3: { bucket: "bkt", accessKeyId: "k" } }, /given together/],
    [{ ...base, provider: "s3", s3: { bucket: "b\n[x]" } }, /`s3.bucket` must be one line/],
    [{ ...base, provider: "custom" }, /`custom.rcloneType` is required/],
    [{ ...base, provider: "custom", custom: { rcloneType: "Bad Type" } }, /`custom.rcloneType` must be/],
    [{ ...base, maxDelete: 150 }, /`maxDelete` must be a percentage from 0 to 100/],
    [[], /the plugin config must be a JSON object/],
  ])("refuses %j", (raw, message) => {
    expect(refuse(raw)).toThrow(ConfigError);
    expect(refuse(raw)).toThrow(message);
  });

  it.each([
    [{ ...base, backup: "daily" }, /`backup` must be an object/],
    [
      { ...base, backup: { interval: -1 } },
      /`backup.interval` must be 0 \(no schedule\) or a number of seconds/,
    ],
    [{ ...base, backup: { retain: 0 } }, /`backup.retain`/],
    [{ ...base, backup: { include: ["everything"] } }, /`backup.include` items must be among/],
    [
      { ...base, backup: { recipients: ["not-a-key"] } },
      /`backup.recipients` entries must be age public keys/,
    ],
    [
      { ...base, backup: { passphrase: "${BACKUP_PASSPHRASE}" } },
      /`backup.passphrase` uses \$\{BACKUP_PASSPHRASE\}, but the environment variable BACKUP_PASSPHRASE is not set/,
    ],
    [
      { ...base, backup: { enabled: true, encrypt: true } },
      /neither `backup.passphrase` nor `backup.recipients`/,
    ],
  ])("a backup problem in %j disables backups, never the sync", (raw, message) => {
    const loaded = parseConfig(raw, "cfg.json", {});
    expect(loaded.sync.mode).toBe("mailbox");
    expect(loaded.backup).toBeNull();
    expect(loaded.backupError).toMatch(message);
    expect(loaded.backupError).toContain("cfg.json");
  });

  it("expands ${ENV} in any string", () => {
    expect(expandEnv({ a: ["x-${V}"], b: { c: "${V}" } }, { V: "1" })).toEqual({ a: ["x-1"], b: { c: "1" } });
    const { sync } = parseConfig({ ...base, remotePath: "agents/${WHO}" }, "c", { WHO: "ada" });
    expect(sync.remotePath).toBe("agents/ada");
  });

  it("warns about unknown keys with the nearest valid one", () => {
    const { warnings } = parseConfig({ ...base, remotPath: "x", intervall: 60, zzzzzz: 1 }, "c");
    expect(warnings).toEqual([
      "unknown key `remotPath` is ignored (did you mean `remotePath`?)",
      "unknown key `intervall` is ignored (did you mean `interval`?)",
      "unknown key `zzzzzz` is ignored",
    ]);
    expect(nearestKey("locaPath", ["localPath", "remotePath"])).toBe("localPath");
  });

  it("finds the plugin entry inside a whole openclaw.json", () => {
    const whole = { plugins: { entries: { "openclaw-workspace-sync": { enabled: true, config: base } } } };
    expect(pluginEntryOf(whole)).toEqual({ found: true, config: base });
    expect(pluginEntryOf({ plugins: { entries: {} } }).found).toBe(false);
  });
});
