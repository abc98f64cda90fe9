/**
 * The watcher's reading of rclone exclude patterns, judged by the real rclone: a folder `folderSkip` leaves
 * unwatched must hold nothing `rclone lsf --exclude` still lists (else a change there would wait for a full
 * cycle), and `matchesAny` drops exactly the files rclone drops.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderSkip, matchesAny } from "../../src/util/rclone-glob.js";
import { runCaptured, testEnv } from "../support/sandbox.js";

const files = [
  "node_modules/a/index.js",
  "src/node_modules/b/index.js",
  "node_modulesx/keep.js",
  "build/out.txt",
  "src/build/out.txt",
  "cache/tmp/x.bin",
  "docs/cache/y.bin",
  "notes.log",
  "logs.log/inner.txt",
  "a/b/c/deep.txt",
  "src/main.ts",
];
const folders = [...new Set(files.flatMap((f) => ancestors(f)))];

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let dir = dirname(path); dir !== "."; dir = dirname(dir)) out.push(dir);
  return out;
}

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wsync-glob-"));
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), file);
  }
});
afterAll(async () => {
  if (root !== "") await rm(root, { recursive: true, force: true });
});

async function rcloneKeeps(pattern: string): Promise<string[]> {
  const listed = await runCaptured(
    "rclone",
    ["lsf", "-R", "--files-only", "--exclude", pattern, root],
    testEnv(),
  );
  expect(listed.code, listed.stderr).toBe(0);
  return listed.stdout.split("\n").filter((line) => line !== "");
}

const skipped = (pattern: string): string[] => {
  const skip = folderSkip(pattern);
  if (skip === null) return [];
  // A path leaves out that folder and all below it (`@parcel/watcher` compares prefixes).
  return folders.filter((dir) =>
    "path" in skip ? dir === skip.path || dir.startsWith(`${skip.path}/`) : skip.regexp.test(dir),
  );
};

describe("rclone exclude patterns, as the watcher reads them", () => {
  const cases: [string, string[]][] = [
    ["node_modules/**", ["node_modules", "node_modules/a", "src/node_modules", "src/node_modules/b"]],
    // `**/` needs a folder before the name, in rclone too: the root's node_modules stays synced.
    ["**/node_modules/**", ["src/node_modules", "src/node_modules/b"]],
    ["/build/", ["build"]],
    ["build/", ["build", "src/build"]],
    ["/cache/**", ["cache", "cache/tmp"]],
    ["c*/**", ["cache", "cache/tmp", "docs/cache", "a/b/c"]],
    ["*.log", []],
    ["**/.DS_Store", []],
  ];
  for (const [pattern, expected] of cases) {
    it(`${pattern}: leaves unwatched only folders rclone syncs nothing from`, async () => {
      const kept = await rcloneKeeps(pattern);
      const unwatched = skipped(pattern);
      expect(unwatched.sort()).toEqual([...expected].sort());
      for (const dir of unwatched) expect(kept.filter((f) => f.startsWith(`${dir}/`))).toEqual([]);
      // The per-event filter drops exactly what rclone drops.
      const dropped = matchesAny([pattern]);
      expect(files.filter((f) => !dropped(f)).sort()).toEqual([...kept].sort());
    });
  }
});
