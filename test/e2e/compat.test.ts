/**
 * The original plugin's documented configs (`../shared/compat/*.json`, read in place, never copied): each one,
 * with `provider` swapped to `local` where it needs a cloud account (or names none), passes validation and a real
 * mailbox/mirror cycle converges (`rclone check` clean, `.workspace-sync/` absent from the remote). The
 * Dropbox/Drive/OneDrive ones, as written, pass `status --offline`, except where this project's own rule refuses
 * them: a full-access Dropbox with `remotePath: ""` (readme-full, readme-mailbox) is refused with the fixes.
 * Provider fragments get `"mode": "mailbox"` and nothing else (compat/README.md).
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { createSandbox, filesIn, pathExists, rcloneCheck, type Sandbox } from "../support/sandbox.js";
import { sharedPath } from "../support/shared-dir.js";

const dir = sharedPath("compat");
const files = dir ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
const read = (name: string): Record<string, unknown> => {
  const config = JSON.parse(readFileSync(join(dir ?? "", name), "utf8")) as Record<string, unknown>;
  return { mode: "mailbox", ...config };
};

/** Configs the issue's own rule 2 refuses as written: a full-access Dropbox root. */
const refusedAsWritten = new Set(["readme-full.json", "readme-mailbox.json"]);
const oauth = new Set(["dropbox", "gdrive", "onedrive"]);

const boxes: Sandbox[] = [];
afterAll(async () => {
  for (const box of boxes) await box.cleanup();
});

describe.skipIf(dir === undefined).concurrent("the original's configs", () => {
  it.for(files)("%s: validates, and a cycle on a local remote converges", async (name, { expect }) => {
    const original = read(name);
    const swapped = { ...original, provider: "local", outboxSettleSeconds: 0 };
    expect(() => parseConfig(swapped, name)).not.toThrow();
    const box = await createSandbox();
    boxes.push(box);
    const remotePath = typeof original.remotePath === "string" ? original.remotePath : "openclaw-share";
    await writeFile(box.configPath, JSON.stringify({ ...swapped, local: { path: box.cloud } }));
    const loaded = parseConfig({ ...swapped, local: { path: box.cloud } }, name);
    const localDir =
      loaded.sync.localPath === "" ? box.workspace : join(box.workspace, loaded.sync.localPath);
    await mkdir(join(localDir, "notes"), { recursive: true });
    await writeFile(join(localDir, "notes", "a.md"), `from ${name}`);
    await writeFile(join(box.workspace, "top.txt"), "top");
    const remote = join(box.cloud, remotePath);
    if (loaded.sync.mode === "mirror") {
      // A mirror follows the cloud: the workspace's files go up once, then the pull must change nothing.
      expect((await box.cli("sync", "--direction", "push")).code).toBe(0);
    }
    const run = await box.cli("sync");
    expect(run.code, run.stderr).toBe(0);
    const check = await rcloneCheck(localDir, remote, [
      ...["--exclude", "_inbox/**", "--exclude", "_outbox/**", "--exclude", "/.workspace-sync/**"],
      ...loaded.sync.exclude.flatMap((p) => ["--exclude", p]),
    ]);
    expect(check.code, check.stderr).toBe(0);
    expect(await filesIn(remote)).toContain("notes/a.md");
    expect(await pathExists(join(remote, ".workspace-sync"))).toBe(false);
  });

  const asWritten = files.filter((f) => oauth.has(String(read(f).provider)));
  it.for(asWritten)("%s as written: status --offline", async (name, { expect }) => {
    const box = await createSandbox();
    boxes.push(box);
    await writeFile(box.configPath, JSON.stringify(read(name)));
    const result = await box.cli("status", "--offline");
    if (refusedAsWritten.has(name)) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('`remotePath` "" is the root of the whole Dropbox');
      expect(result.stderr).toContain("`dropbox.appFolder: true`");
      expect(await pathExists(box.stateDir)).toBe(false);
    } else {
      expect(result.code, result.stderr).toBe(0);
    }
  });
});
