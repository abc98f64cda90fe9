/**
 * `copySymlinks`: off, a symlink in the workspace is skipped (rclone's default, with a notice); on, links are
 * followed as the original plugin did (the linked content is synced), except a link resolving outside the
 * workspace (or broken, or a loop): never followed, its target neither uploaded nor overwritten by a pull, and
 * listed once per cycle as a warning.
 */
import { lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";

const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.cleanup();
});

async function withLink(config: Record<string, unknown>): Promise<Sandbox> {
  const box = await createSandbox(config);
  boxes.push(box);
  const secret = join(box.root, "outside-secret.txt");
  await writeFile(secret, "not for the cloud\n");
  await writeFile(join(box.shared, "notes.md"), "notes\n");
  await mkdir(join(box.shared, "links"), { recursive: true });
  await symlink(secret, join(box.shared, "links", "secret"));
  return box;
}

describe("copySymlinks", () => {
  it("off: the symlink is skipped and nothing it points at is uploaded", async () => {
    const box = await withLink({});
    const result = await box.cli("sync");
    expect(result.code, result.stderr).toBe(0);
    expect(await filesIn(box.remoteDir)).toEqual(["notes.md"]);
    await expect(lstat(join(box.remoteDir, "links", "secret"))).rejects.toThrow();
  });

  it("on: links inside the workspace are followed; outside, looping and tool-folder ones are skipped and listed once a cycle", async () => {
    const box = await withLink({ copySymlinks: true });
    // Inside the workspace but outside the synced folder: a file and a folder, reached through links.
    await mkdir(join(box.workspace, "docs", "deep"), { recursive: true });
    await writeFile(join(box.workspace, "docs", "readme.md"), "readme\n");
    await writeFile(join(box.workspace, "docs", "deep", "x.md"), "x\n");
    await symlink(join(box.workspace, "docs", "readme.md"), join(box.shared, "readme.md"));
    await symlink("../docs", join(box.shared, "docs"));
    // A link inside a followed folder that leads out, one into the tool's folder, a loop.
    await symlink(join(box.root, "outside-secret.txt"), join(box.workspace, "docs", "deep", "leak"));
    await mkdir(join(box.workspace, ".workspace-sync"), { recursive: true });
    await symlink(join(box.workspace, ".workspace-sync"), join(box.shared, "tool"));
    await symlink("..", join(box.shared, "loop"));

    const result = await box.cli("sync");
    expect(result.code, result.stderr).toBe(0);
    expect(await filesIn(box.remoteDir)).toEqual([
      "docs/deep/x.md",
      "docs/readme.md",
      "notes.md",
      "readme.md",
    ]);
    expect(await readFile(join(box.remoteDir, "readme.md"), "utf8")).toBe("readme\n");
    expect((await lstat(join(box.remoteDir, "readme.md"))).isSymbolicLink()).toBe(false);
    // One warning for the cycle, naming each skipped link and why.
    const warnings = result.stderr.split("copySymlinks:").length - 1;
    expect(warnings, result.stderr).toBe(1);
    expect(result.stderr).toContain("4 symlink(s) not followed");
    expect(result.stderr).toContain(
      `links/secret -> ${join(box.root, "outside-secret.txt")} (outside the workspace)`,
    );
    expect(result.stderr).toContain("docs/deep/leak -> ");
    expect(result.stderr).toContain("(the tool's own folder)");
    expect(result.stderr).toContain("loop -> ");
    expect(result.stderr).toContain("(a loop)");

    // The next cycle (the remote holds files now, so the deletion guard lists both sides first): once again.
    const again = await box.cli("sync");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr.split("copySymlinks:").length - 1, again.stderr).toBe(1);
    expect(await filesIn(box.remoteDir)).toHaveLength(4);
  });

  it("on: a broken link fails the cycle before rclone runs, naming it and the fix; nothing is deleted", async () => {
    const box = await withLink({ copySymlinks: true });
    expect((await box.cli("sync")).code).toBe(0);
    await symlink(join(box.shared, "gone"), join(box.shared, "dangling"));
    const result = await box.cli("sync");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("1 broken symlink(s)");
    expect(result.stderr).toContain("dangling");
    expect(result.stderr).toContain("Fix or remove them");
    expect(await filesIn(box.remoteDir)).toEqual(["notes.md"]);
  });

  it("on, bisync: the linked content is synced (resync, then a cycle); the outside link is not", async () => {
    const box = await withLink({ copySymlinks: true, mode: "bisync" });
    await mkdir(join(box.workspace, "docs"), { recursive: true });
    await writeFile(join(box.workspace, "docs", "readme.md"), "readme\n");
    await symlink("../docs", join(box.shared, "docs"));
    for (const argv of [["sync", "--resync"], ["sync"]]) {
      const result = await box.cli(...argv);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain("links/secret -> ");
    }
    expect(await filesIn(box.remoteDir)).toEqual(["docs/readme.md", "notes.md"]);
    expect(await readFile(join(box.root, "outside-secret.txt"), "utf8")).toBe("not for the cloud\n");
  });

  it("on, mirror: a pull never writes through a link that leads outside the workspace", async () => {
    const box = await withLink({ copySymlinks: true, mode: "mirror" });
    const secret = join(box.root, "outside-secret.txt");
    await mkdir(join(box.remoteDir, "links"), { recursive: true });
    await writeFile(join(box.remoteDir, "links", "secret"), "from the cloud\n");
    await writeFile(join(box.remoteDir, "notes.md"), "cloud notes\n");
    const result = await box.cli("sync");
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(secret, "utf8")).toBe("not for the cloud\n");
    expect((await lstat(join(box.shared, "links", "secret"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(box.shared, "notes.md"), "utf8")).toBe("cloud notes\n");
    expect(result.stderr).toContain("links/secret -> ");
  });
});
