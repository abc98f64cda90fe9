/** The incremental push's filter: a changed symlink is included as a file and as a folder (followed, it may be either). */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { changedPathsFilter } from "../../../src/modes/mailbox/changes.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wsync-changes-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("a file, a folder, a symlink to a folder and a path that is gone", async () => {
  await writeFile(join(dir, "a.txt"), "a");
  await mkdir(join(dir, "docs"));
  await symlink("docs", join(dir, "linked"));
  const text = await changedPathsFilter(dir, ["a.txt", "docs", "linked", "gone"]);
  expect(text.split("\n")).toEqual([
    "+ /a.txt",
    "+ /docs/**",
    "+ /linked",
    "+ /linked/**",
    "+ /gone",
    "+ /gone/**",
    "- **",
    "",
  ]);
});
