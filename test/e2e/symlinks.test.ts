/**
 * `copySymlinks`: off, a symlink in the workspace is skipped (rclone's default, with a notice); on, it
 * travels as `<name>.rclonelink` holding its target and is never followed, so a link pointing outside the
 * workspace cannot leak what it points at.
 */
import { lstat, mkdir, readlink, symlink, writeFile } from "node:fs/promises";
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

  it("on: the symlink travels as a link to its target, never the target's bytes", async () => {
    const box = await withLink({ copySymlinks: true });
    const result = await box.cli("sync");
    expect(result.code, result.stderr).toBe(0);
    // A `local` remote is a folder: rclone turns the `.rclonelink` back into a symlink there.
    const carried = join(box.remoteDir, "links", "secret");
    expect((await lstat(carried)).isSymbolicLink()).toBe(true);
    expect(await readlink(carried)).toBe(join(box.root, "outside-secret.txt"));
    expect(await filesIn(box.remoteDir)).toEqual(["notes.md"]);
  });
});
