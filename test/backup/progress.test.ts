/**
 * A backup's live progress in the process that hosts it (a one-shot `backup now`): rclone rcat's bytes sent
 * and the files archived so far, reported only while someone listens.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { findRclone } from "../../src/rclone/binary.js";
import type { RcloneProgress } from "../../src/rclone/progress.js";
import { startBackup } from "../../src/runtime/backup/start.js";
import { makeFiles } from "../support/sandbox.js";
import { ageKeypair, type BackupSandbox, backupSandbox } from "./helpers.js";

describe("backup progress", () => {
  let box: BackupSandbox;
  let keyDir: string;

  beforeAll(async () => {
    const keys = await ageKeypair();
    keyDir = keys.dir;
    box = await backupSandbox({ recipients: [keys.recipient] });
    await makeFiles(join(box.workspace, "notes"), 30, 4096);
  });
  afterAll(async () => {
    await box.cleanup();
    await rm(keyDir, { recursive: true, force: true });
  });

  it("reports the bytes sent and the files archived while a listener watches, and nothing after", async () => {
    const raw = JSON.parse(await readFile(box.configPath, "utf8")) as Record<string, unknown>;
    const parsed = parseConfig(raw, "test", box.env);
    const backup = parsed.backup;
    if (backup === null) throw new Error("the sandbox has a backup block");
    const handle = await startBackup({
      sync: parsed.sync,
      backup,
      stateDir: box.stateDir,
      workspace: box.workspace,
      env: box.env,
      rcloneBinary: await findRclone({ env: box.env }),
      schedule: false,
    });
    try {
      const seen: RcloneProgress[] = [];
      const unwatch = handle.watchProgress((p) => seen.push(p));
      const first = await handle.requestBackup({ source: "cli" });
      unwatch();
      expect(first.verdict).toBe("done");
      expect(seen.length).toBeGreaterThan(0);
      const last = seen.at(-1);
      expect(last?.bytes).toBeGreaterThan(0);
      expect(last?.transfers).toBe(first.record?.snapshot.files);
      expect(last).toMatchObject({ totalBytes: 0, totalTransfers: 0, etaSeconds: null, transferring: [] });
      const count = seen.length;
      expect((await handle.requestBackup({ source: "cli" })).verdict).toBe("done");
      expect(seen).toHaveLength(count);
    } finally {
      await handle.stop();
    }
  });
});
