/**
 * `custom.rcloneType` refusals name the key where the user wrote it: `sync.custom.rcloneType` in the nested
 * form, `backup.custom.rcloneType` in the backup block. A backup block's unknown backend disables backups
 * only (status says so, `backup *` refuse with exit 2), never sync, status or the daemon; nothing is written.
 * All through the real CLI and the installed rclone.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, exited, logRecords, untilReady } from "../daemon/helpers.js";
import { createSandbox, pathExists, type Sandbox } from "../support/sandbox.js";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is removed
  return text.replace(/\u001b\[[0-9;]*m/g, "").replaceAll("`", "");
}

async function useConfig(config: Record<string, unknown>): Promise<void> {
  await writeFile(box.configPath, JSON.stringify(config));
}

describe("custom.rcloneType named where it is written", () => {
  it("nested form: sync, status and list name sync.custom.rcloneType; nothing is written", async () => {
    await useConfig({
      sync: {
        mode: "mailbox",
        provider: "custom",
        remotePath: "agent",
        custom: { rcloneType: "sftpp", rcloneOptions: { host: "127.0.0.1" } },
      },
    });
    for (const argv of [["sync"], ["status", "--offline"], ["list"]]) {
      const result = await box.cli(...argv);
      expect(result.code, `${argv.join(" ")}: ${result.stderr}`).toBe(2);
      const text = plain(result.stdout + result.stderr);
      expect(text).toContain('sync.custom.rcloneType "sftpp" is not a backend');
      expect(text).toContain('did you mean "sftp"?');
      expect(text).toMatch(/set sync\.custom\.rcloneType to one of: .*\bsftp\b/);
    }
    expect(await pathExists(join(box.stateDir, "rclone.conf"))).toBe(false);
  });

  it("backup block: backup commands refuse naming backup.custom.rcloneType; sync and status run on", async () => {
    await useConfig({
      sync: { mode: "mailbox", provider: "local", local: { path: box.cloud } },
      backup: {
        enabled: true,
        provider: "custom",
        interval: 0,
        custom: { rcloneType: "locall", rcloneOptions: {} },
      },
    });
    for (const argv of [
      ["backup", "now"],
      ["backup", "list"],
    ]) {
      const result = await box.cli(...argv);
      expect(result.code, `${argv.join(" ")}: ${result.stderr}`).toBe(2);
      const text = plain(result.stdout + result.stderr);
      expect(text).toContain('backup.custom.rcloneType "locall" is not a backend');
      expect(text).toContain('did you mean "local"?');
      expect(text).toMatch(/set backup\.custom\.rcloneType to one of: .*\blocal\b/);
    }
    expect(await pathExists(join(box.stateDir, "backup"))).toBe(false);

    await writeFile(join(box.shared, "a.txt"), "a");
    const sync = await box.cli("sync");
    expect(sync.code, sync.stderr).toBe(0);
    expect(await readFile(join(box.remoteDir, "a.txt"), "utf8")).toBe("a");

    const status = await box.cli("status", "--offline");
    expect(status.code, status.stderr).toBe(0);
    expect(plain(status.stdout)).toMatch(
      /backup +DISABLED: backup\.custom\.rcloneType "locall" is not a backend .*did you mean "local"/,
    );
  });

  it("a backup that borrows the sync's custom block names the sync's key", async () => {
    await useConfig({
      sync: {
        mode: "mailbox",
        provider: "custom",
        custom: { rcloneType: "aliass", rcloneOptions: { remote: join(box.root, "elsewhere") } },
      },
      backup: { enabled: false, interval: 0 },
    });
    const result = await box.cli("backup", "list");
    expect(result.code, result.stderr).toBe(2);
    expect(plain(result.stderr)).toContain('sync.custom.rcloneType "aliass" is not a backend');
  });

  it("backup block: the daemon says once that backups are off and its interval timer syncs on", async () => {
    await useConfig({
      sync: { mode: "mailbox", provider: "local", local: { path: box.cloud }, interval: 60 },
      backup: { enabled: true, provider: "custom", custom: { rcloneType: "locall", rcloneOptions: {} } },
    });
    await writeFile(join(box.shared, "a.txt"), "a");
    const child = box.spawnCli("daemon");
    try {
      const ready = await untilReady(child);
      await eventually(
        async () => (await logRecords(box.stateDir, box.workspace)).some((r) => r.event.type === "pushDone"),
        "the interval timer's first cycle",
      );
      expect(plain(ready.output())).toContain('backups are disabled: backup.custom.rcloneType "locall"');
      expect(ready.output().split("backups are disabled").length - 1).toBe(1);
      const now = await box.cli("backup", "now");
      expect(now.code, now.stderr).toBe(2);
      expect(plain(now.stderr)).toContain('backup.custom.rcloneType "locall" is not a backend');
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
    expect(await pathExists(join(box.stateDir, "backup"))).toBe(false);
  });
});
