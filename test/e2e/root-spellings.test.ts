/**
 * `localPath` "", "/", "." and "./" all mean the whole workspace, and in every mode the tool's own folder
 * `.workspace-sync/` (the held cycle lock, the drain's staging folder) is never pushed, pulled over or deleted,
 * whatever spelling selected the root. Real CLI, real rclone, a `local` remote.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { workspacePaths } from "../../src/paths.js";
import { createSandbox, filesIn, rcloneCheck, type Sandbox } from "../support/sandbox.js";

const spellings = ["", "/", ".", "./"] as const;
const modes = ["mailbox", "mirror", "bisync"] as const;

const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.cleanup();
});

/** A workspace with a file at its root, one in `shared/`, and something of the tool's own in `.workspace-sync/`. */
async function world(mode: (typeof modes)[number], localPath: string) {
  const box = await createSandbox({ mode, localPath, remotePath: "agent" });
  boxes.push(box);
  await writeFile(join(box.workspace, "top.txt"), "top");
  await writeFile(join(box.shared, "inner.txt"), "inner");
  await mkdir(join(box.workspace, ".workspace-sync"), { recursive: true });
  await writeFile(join(box.workspace, ".workspace-sync", "keep.txt"), "the tool's own");
  const remote = join(box.cloud, "agent");
  await mkdir(join(remote, ".workspace-sync"), { recursive: true });
  // A remote `.workspace-sync/` (left by an older version, or planted) must never reach the workspace's.
  await writeFile(join(remote, ".workspace-sync", "cycle.lock"), "not ours");
  return { box, remote };
}

/** What the tool's own folder holds after a run: the planted file, nothing from the remote. */
async function toolFolder(box: Sandbox): Promise<string[]> {
  return filesIn(join(box.workspace, ".workspace-sync"));
}

/** Every spelling is checked by status in every mode; a full cycle runs for "." (the reported bug) and one more. */
const cycles: [(typeof modes)[number], string][] = [
  ["mailbox", "."],
  ["mailbox", "/"],
  ["mirror", "."],
  ["mirror", "./"],
  ["bisync", "."],
  ["bisync", ""],
];

describe("the workspace root as localPath", () => {
  it("every spelling parses to the workspace root, and status says so once", async () => {
    for (const spelling of spellings) {
      for (const mode of modes) {
        const loaded = parseConfig({ mode, provider: "local", localPath: spelling }, "test");
        expect(loaded.sync.localPath).toBe("");
        expect(workspacePaths("/s", "/w", loaded.sync.localPath, mode)).toMatchObject({
          localDir: "/w",
          toolDirInSync: ".workspace-sync",
        });
      }
    }
    // Through the CLI: one spelling per call, each in a different mode (a CLI call costs seconds here).
    for (const [i, spelling] of spellings.entries()) {
      const { box } = await world(modes[i % modes.length] ?? "mailbox", spelling);
      const status = await box.cli("status", "--offline", ...(i === 0 ? ["--json"] : []));
      expect(status.code, status.stderr).toBe(0);
      if (i === 0) {
        const json = JSON.parse(status.stdout) as Record<string, unknown>;
        expect(json).toMatchObject({ localDir: box.workspace, wholeWorkspace: true });
        continue;
      }
      const lines = status.stdout.split("\n").filter((l) => l.includes("the whole workspace"));
      expect(lines, JSON.stringify(spelling)).toHaveLength(1);
      expect(lines[0]).toContain(`${box.workspace} (the whole workspace`);
    }
  });

  it.each(cycles)(
    "mode %s, localPath %j: the whole workspace syncs, .workspace-sync/ stays out",
    async (mode, spelling) => {
      const { box, remote } = await world(mode, spelling);
      const first =
        mode === "bisync"
          ? await box.cli("sync", "--resync")
          : await box.cli("sync", ...(mode === "mirror" ? ["--direction", "push"] : []));
      expect(first.code, first.stderr).toBe(0);
      if (mode === "mirror") {
        // The push above put the workspace up; now the mirror pull brings the remote down over it.
        await writeFile(join(remote, "down.txt"), "down");
        const pulled = await box.cli("sync");
        expect(pulled.code, pulled.stderr).toBe(0);
        expect(await filesIn(box.workspace)).toContain("down.txt");
      }
      if (mode === "bisync") {
        await writeFile(join(box.workspace, "later.txt"), "later");
        const again = await box.cli("sync");
        expect(again.code, again.stderr).toBe(0);
        expect(await filesIn(remote)).toContain("later.txt");
      }
      // The tool's folder: never uploaded, never replaced or emptied by what the remote holds.
      const own = await toolFolder(box);
      expect(own).toContain("keep.txt");
      expect(own).not.toContain("cycle.lock");
      expect(await filesIn(join(remote, ".workspace-sync"))).toEqual(["cycle.lock"]);
      expect(await filesIn(remote)).toEqual(expect.arrayContaining(["top.txt", "shared/inner.txt"]));
      const check = await rcloneCheck(box.workspace, remote, [
        "--exclude",
        "/.workspace-sync/**",
        "--exclude",
        "_inbox/**",
        "--exclude",
        "_outbox/**",
      ]);
      expect(check.code, check.stderr).toBe(0);
    },
  );
});

describe("root spellings elsewhere", () => {
  it("ingestPath cannot be the synced folder's root, named in the refusal; nothing written", async () => {
    const box = await createSandbox({ mode: "mirror", ingest: true, ingestPath: "." });
    boxes.push(box);
    const result = await box.cli("sync");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("`ingestPath` must name a folder inside the synced folder");
    expect(await filesIn(box.stateDir)).toEqual([]);
    expect(await filesIn(box.cloud)).toEqual([]);
  });

  it("an absolute localPath other than / is still refused", async () => {
    const box = await createSandbox({ localPath: "/srv/agent" });
    boxes.push(box);
    const result = await box.cli("status");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("`localPath` must be relative");
  });
});
