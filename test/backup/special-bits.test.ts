/** A restore drops setuid and setgid bits unless asked to keep them (`--keep-special-bits`). */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StagingWriter } from "../../src/backup/restore-writer.js";

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function restoreOne(keep: boolean): Promise<{ file: number; dir: number }> {
  const root = await mkdtemp(join(tmpdir(), "wsync-bits-"));
  roots.push(root);
  const writer = new StagingWriter(root, [], { keepSpecialBits: keep });
  const mtime = new Date("2026-01-01T00:00:00Z");
  await writer.onEntry({ path: "workspace/bin", kind: "dir", mode: 0o2775, size: 0, mtime });
  await writer.onEntryEnd();
  await writer.onEntry({ path: "workspace/bin/tool", kind: "file", mode: 0o4755, size: 3, mtime });
  await writer.onData(Buffer.from("#!\n"));
  await writer.onEntryEnd();
  await writer.finish();
  return {
    file: (await stat(join(root, "workspace", "bin", "tool"))).mode & 0o7777,
    dir: (await stat(join(root, "workspace", "bin"))).mode & 0o7777,
  };
}

describe("restore and setuid/setgid bits", () => {
  it("drops them by default (4755 -> 0755, 2775 -> 0775)", async () => {
    expect(await restoreOne(false)).toEqual({ file: 0o755, dir: 0o775 });
  });
  it("keeps them when asked (--keep-special-bits)", async () => {
    expect(await restoreOne(true)).toEqual({ file: 0o4755, dir: 0o2775 });
  });
});
