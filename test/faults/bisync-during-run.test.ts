/**
 * Bisync on rclone 1.60 catches edits made during its own run. 1.60 lists a side again for its final
 * listing after copying into it, so a remote edit made meanwhile was recorded as synced and never copied
 * (every later run said 0 transferred while `rclone check` found the file differs), and a remote file
 * created meanwhile made its final check ask for `--resync`.
 *
 * A wrapper around the real rclone makes the remote changes at a known point of the first real bisync run:
 * right after bisync says it queued a copy to the remote (a 1 MiB file at 256 KiB/s, so the copy is still
 * running), it edits one remote file, creates one and deletes one. Then `sync` must say the files changed
 * during sync and run again, and the two sides must match (`rclone check`), and still match after one more
 * cycle. Runs on whatever rclone is installed (1.60.1 here); on 1.66+ bisync's own listings handle it.
 */
import { execFile } from "node:child_process";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, pathExists, rcloneCheck, type Sandbox } from "../support/sandbox.js";
import { cliWith, seeded, seededBytes } from "./support.js";

const run = promisify(execFile);
const boxes: Sandbox[] = [];
afterAll(async () => {
  for (const box of boxes) await box.cleanup();
});

/** What the wrapper does to the remote during the run: edit `notes.md`, and maybe make one file and delete one. */
type Changes = "edit" | "edit, create, delete";

/**
 * The wrapper: on the first bisync run after the test arms it that is neither a resync nor a dry run, it
 * waits (at most 10 s) for "Queue copy to Path1" on rclone's log, then changes the remote: `notes.md`
 * edited, and with `create, delete` also `created.md` made and `gone.md` deleted; `changed` is touched
 * when that is done.
 */
async function editingWrapper(
  root: string,
  remoteDir: string,
  changes: Changes,
): Promise<{ path: string; changed: string }> {
  const real = (await run("sh", ["-c", "command -v rclone"])).stdout.trim();
  const path = join(root, "rclone-editing.sh");
  const marker = join(root, "edit-armed");
  const changed = join(root, "edit-done");
  const log = join(root, "bisync-run.log");
  await writeFile(
    path,
    `#!/bin/bash
real=${real}
args=" $* "
if [[ $args == *" bisync "* && $args != *" --resync "* && $args != *" --dry-run "* && -e ${marker} ]]; then
  rm -f ${marker}
  (
    for _ in $(seq 500); do grep -q "Queue copy to Path1" ${log} 2>/dev/null && break; sleep 0.02; done
    printf 'edited during the run\\n' > ${remoteDir}/notes.md
${
  changes === "edit"
    ? ""
    : `    printf 'made during the run\\n' > ${remoteDir}/created.md\n    rm -f ${remoteDir}/gone.md\n`
}    touch ${changed}
  ) &
  "$real" "$@" --bwlimit 256k 2> >(tee ${log} >&2)
  code=$?
  wait
  exit $code
fi
exec "$real" "$@"
`,
  );
  await chmod(path, 0o755);
  return { path, changed };
}

describe("bisync: remote changes made during the run", () => {
  it.each<Changes>(["edit", "edit, create, delete"])(
    "%s: carried over by a follow-up cycle, and the sides still match one cycle later",
    async (changes) => {
      const box = await createSandbox({ mode: "bisync" });
      boxes.push(box);
      const { path, changed } = await editingWrapper(box.root, box.remoteDir, changes);
      const cli = cliWith(box, path);
      for (const name of ["notes.md", "gone.md", "a.md", "b.md", "c.md"]) {
        await writeFile(join(box.shared, name), `${name} before\n`);
      }
      const resync = await cli.run("sync", "--resync");
      expect(resync.code, resync.stderr).toBe(0);
      expect((await rcloneCheck(box.remoteDir, box.shared)).code).toBe(0);

      // A new local file to push: bisync copies into the remote, so 1.60 lists the remote again at the end.
      await writeFile(join(box.shared, "big.bin"), seededBytes(seeded(17), 1024 * 1024));
      await writeFile(join(box.root, "edit-armed"), "");
      const first = await cli.run("sync");
      expect(first.code, first.stderr).toBe(0);
      expect(await pathExists(changed), "the wrapper changed the remote during the run").toBe(true);
      const said = first.stdout + first.stderr;
      console.log(said.trim());
      if (/rclone v1\.6[0-5]/.test((await run(path, ["version"])).stdout)) {
        expect(said).toMatch(/changed during sync, ran again: .*notes\.md/);
      }

      const check = await rcloneCheck(box.remoteDir, box.shared);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(await readFile(join(box.shared, "notes.md"), "utf8")).toBe("edited during the run\n");
      if (changes !== "edit") {
        expect(await readFile(join(box.shared, "created.md"), "utf8")).toBe("made during the run\n");
        expect(await pathExists(join(box.shared, "gone.md"))).toBe(false);
      }
      expect(await pathExists(join(box.remoteDir, "big.bin"))).toBe(true);
      const status = await cli.run("status", "--json");
      expect((JSON.parse(status.stdout) as { state: unknown }).state).toBe("idle");

      // One more cycle: nothing left to carry, and the sides still match.
      const again = await cli.run("sync");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout + again.stderr).not.toMatch(/changed during sync/);
      const after = await rcloneCheck(box.remoteDir, box.shared);
      expect(after.code, after.stdout + after.stderr).toBe(0);
      await rm(join(box.root, "bisync-run.log"), { force: true });
    },
    60_000,
  );
});
