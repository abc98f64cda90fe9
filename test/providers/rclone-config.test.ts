/**
 * The remote each provider writes, read back by the real rclone (`rclone config dump` and
 * `rclone config show`): every option lands as rclone understands it, and values that could break the
 * file never get written.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { CredentialsMissingError, prepareRemote } from "../../src/effects/remote.js";
import { testEnv } from "../support/sandbox.js";

const run = promisify(execFile);
const token = (access: string, expiry: string) =>
  JSON.stringify({ access_token: access, token_type: "bearer", refresh_token: `r-${access}`, expiry });

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "wsync-prov-"));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function rcloneDump(): Promise<Record<string, Record<string, string>>> {
  const conf = join(stateDir, "rclone.conf");
  const { stdout } = await run("rclone", ["config", "dump", "--config", conf], { env: testEnv() });
  return JSON.parse(stdout);
}

async function prepare(config: Record<string, unknown>) {
  const { sync } = parseConfig({ mode: "mailbox", ...config }, "test", {});
  return prepareRemote(sync, stateDir);
}

describe("remotes as the real rclone reads them", () => {
  const t1 = token("sl.A1", "2030-01-01T00:00:00Z");
  it.each([
    [
      { provider: "local", local: { path: "/srv/cloud with space" } },
      { type: "alias", remote: "/srv/cloud with space" },
    ],
    [
      { provider: "dropbox", dropbox: { token: t1, appKey: "key123", appSecret: "sec456", appFolder: true } },
      { type: "dropbox", token: t1, client_id: "key123", client_secret: "sec456" },
    ],
    [
      { provider: "gdrive", gdrive: { token: t1, teamDrive: "0ABteam", rootFolderId: "1rootId" } },
      { type: "drive", scope: "drive", token: t1, team_drive: "0ABteam", root_folder_id: "1rootId" },
    ],
    [
      { provider: "onedrive", onedrive: { token: t1, driveId: "b!xyz", driveType: "sharepoint" } },
      { type: "onedrive", token: t1, drive_id: "b!xyz", drive_type: "documentLibrary" },
    ],
    [
      {
        provider: "s3",
        s3: {
          bucket: "agents",
          endpoint: "https://r2.example",
          region: "auto",
          accessKeyId: "AK",
          secretAccessKey: "S=K:x",
        },
      },
      {
        type: "s3",
        provider: "Other",
        endpoint: "https://r2.example",
        force_path_style: "true",
        region: "auto",
        access_key_id: "AK",
        secret_access_key: "S=K:x",
      },
    ],
    [
      { provider: "s3", s3: { bucket: "agents", region: "eu-west-1" } },
      { type: "s3", provider: "AWS", env_auth: "true", region: "eu-west-1" },
    ],
    [
      {
        provider: "custom",
        custom: {
          rcloneType: "webdav",
          rcloneOptions: { url: "https://dav.example/x", vendor: "nextcloud", user: "me" },
        },
      },
      { type: "webdav", url: "https://dav.example/x", vendor: "nextcloud", user: "me" },
    ],
  ])("%j", async (config, expected) => {
    await prepare(config);
    const conf = join(stateDir, "rclone.conf");
    expect((await stat(conf)).mode & 0o777).toBe(0o600);
    expect((await rcloneDump()).cloud).toEqual(expected);
    const shown = (await run("rclone", ["config", "show", "cloud", "--config", conf], { env: testEnv() }))
      .stdout;
    expect(shown).toContain(`type = ${expected.type}`);
  });

  it("S3: the bucket is the first path element, so files go to <bucket>/<remotePath>", async () => {
    const prepared = await prepare({ provider: "s3", remotePath: "/team/agent/", s3: { bucket: "agents" } });
    expect(prepared.remoteRoot).toBe("cloud:agents/team/agent");
    expect(prepared.remoteBase).toBe("cloud:agents");
  });

  it("an OAuth remote without a token anywhere is refused before anything is written", async () => {
    await expect(prepare({ provider: "gdrive" })).rejects.toBeInstanceOf(CredentialsMissingError);
    await expect(prepare({ provider: "onedrive", onedrive: { token: t1 } })).rejects.toThrow(/drive_id/);
    await expect(stat(join(stateDir, "rclone.conf"))).rejects.toThrow();
  });
});

describe("tokens in the project's rclone.conf", () => {
  const older = token("sl.OLD", "2030-01-01T00:00:00Z");
  const newer = token("sl.REFRESHED", "2030-06-01T00:00:00Z");

  it("a token rclone refreshed in the file is never overwritten by an older one from the config", async () => {
    await prepare({ provider: "dropbox", dropbox: { token: older } });
    // rclone refreshes the token in place (as it does on expiry), and adds nothing else.
    const conf = join(stateDir, "rclone.conf");
    await writeFile(conf, (await readFile(conf, "utf8")).replace(older, newer), { mode: 0o600 });
    const prepared = await prepare({ provider: "dropbox", dropbox: { token: older } });
    expect((await rcloneDump()).cloud?.token).toBe(newer);
    // Both tokens' secrets are redacted.
    expect(prepared.redact(`x sl.REFRESHED y sl.OLD`)).toBe("x *** y ***");
  });

  it("a newer token in the config replaces an older one in the file", async () => {
    await prepare({ provider: "dropbox", dropbox: { token: older } });
    await prepare({ provider: "dropbox", dropbox: { token: newer } });
    expect((await rcloneDump()).cloud?.token).toBe(newer);
  });

  it("a token stored by authorize is used when the config has none; not across backends or app keys", async () => {
    const conf = join(stateDir, "rclone.conf");
    await writeFile(
      conf,
      `[cloud]\ntype = dropbox\ntoken = ${newer}\n\n[backup]\ntype = alias\nremote = /b\n`,
      {
        mode: 0o600,
      },
    );
    await prepare({ provider: "dropbox" });
    const dump = await rcloneDump();
    expect(dump.cloud?.token).toBe(newer);
    expect(dump.backup).toEqual({ type: "alias", remote: "/b" });
    // Another app key: the token was issued to another app, so it is not kept.
    await expect(
      prepare({ provider: "dropbox", dropbox: { appKey: "k2", appSecret: "s2" } }),
    ).rejects.toThrow(/no token/);
    // Another backend under the same name: nothing carries over.
    await expect(prepare({ provider: "gdrive" })).rejects.toThrow(/no token/);
  });
});
