/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in config strings is the feature under test */
/**
 * A backup problem disables backups, never the sync: with an unset `${BACKUP_PASSPHRASE}` or `encrypt: true`
 * and no key, `sync`, `status`, `log` and `daemon` run (the daemon's interval timer too) and `status` says why
 * backups are off; every `backup` command exits 2 with that reason. An unencrypted backup is flagged.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, exited, logRecords, untilReady } from "../daemon/helpers.js";
import { createSandbox, pathExists, type Sandbox } from "../support/sandbox.js";

const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.cleanup();
});

async function sandbox(config: Record<string, unknown>): Promise<Sandbox> {
  const box = await createSandbox(config);
  boxes.push(box);
  await writeFile(join(box.shared, "notes.md"), "# notes\n");
  return box;
}

const problems: [string, Record<string, unknown>, string][] = [
  [
    "an unset ${BACKUP_PASSPHRASE}",
    { enabled: true, encrypt: true, passphrase: "${BACKUP_PASSPHRASE}" },
    "the environment variable BACKUP_PASSPHRASE is not set",
  ],
  ["encrypt: true with no passphrase", { enabled: true, encrypt: true }, "`backup.passphrase`"],
];

describe("a backup problem disables backups only", () => {
  it.each(problems)(
    "%s: sync, status and log run; status says why; backup * exits 2",
    async (_, backup, why) => {
      const box = await sandbox({ backup });
      const sync = await box.cli("sync");
      expect(sync.code, sync.stderr).toBe(0);
      expect(await pathExists(join(box.remoteDir, "notes.md"))).toBe(true);

      const status = await box.cli("status", "--offline");
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^backup +DISABLED: .*/m);
      expect(status.stdout).toContain(why);
      const json = await box.cli("status", "--offline", "--json");
      expect(JSON.parse(json.stdout).backup).toMatchObject({ configured: true, enabled: false });
      expect(JSON.parse(json.stdout).backup.error).toContain(why);

      const log = await box.cli("log");
      expect(log.code, log.stderr).toBe(0);
      expect(log.stdout).toContain("pushDone");

      for (const sub of ["now", "status", "list"]) {
        const result = await box.cli("backup", sub);
        expect(result.code, `backup ${sub}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toContain("backups are disabled");
        expect(result.stderr).toContain(why);
      }
      expect(await pathExists(join(box.cloud, "openclaw-backup"))).toBe(false);
    },
  );

  it("the daemon runs on: its interval timer syncs, and it says once why backups are off", async () => {
    const box = await sandbox({ interval: 60, backup: problems[0]?.[1] });
    const child = box.spawnCli("daemon");
    try {
      const ready = await untilReady(child);
      await eventually(
        async () => (await logRecords(box.stateDir, box.workspace)).some((r) => r.event.type === "pushDone"),
        "the interval timer's first cycle",
      );
      expect(ready.output()).toContain("backups are disabled");
      expect(ready.output()).toContain("BACKUP_PASSPHRASE");
      const status = await box.cli("status", "--offline");
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^backup +DISABLED: /m);
      const now = await box.cli("backup", "now");
      expect(now.code, now.stderr).toBe(2);
      expect(now.stderr).toContain("backups are disabled");
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
  });

  it("an unencrypted backup is flagged in status and backup status; interval 0 has no schedule", async () => {
    const box = await sandbox({ backup: { enabled: true, interval: 0, include: ["workspace"] } });
    const status = await box.cli("status", "--offline");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^backup +UNENCRYPTED \(`backup.encrypt` is false\); schedule none/m);
    const backupStatus = await box.cli("backup", "status");
    expect(backupStatus.code, backupStatus.stderr).toBe(0);
    expect(backupStatus.stdout).toMatch(/^encrypted +NO: /m);
    expect(backupStatus.stdout).toMatch(/^schedule +none \(`backup.interval` is 0\)/m);
    expect(backupStatus.stdout).toMatch(/^next run +none/m);
  });
});
