/**
 * The journal write after a delivery fails: the drain has linked a verified file into `_inbox`, and the
 * line that records it (`.workspace-sync/incoming.delivered`) cannot be written. The delivery is taken back
 * (the file is not in `_inbox`), the remote copy stays in `_outbox`, nothing is quarantined, the failure
 * names the journal; once the journal can be written, the next drain delivers each file exactly once (no
 * `name (1).ext`). The failures are made by a wrapper around the real rclone right after the drain's fetch:
 * the journal's path taken by a folder (EISDIR; any user), the journal made read-only by a bind mount
 * (EROFS; root only), and the workspace's disk filled (a tmpfs, root only: there the write that fails is
 * the one after the journal's, and the recorded deliveries are finished by the next drain).
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";
import { cliWith, lastState, mountTmpfs, seeded, seededBytes, sha256, unmount } from "./support.js";

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.info("journal-failure: not root, so no tmpfs can be mounted here: the disk-full case is skipped");

let box: Sandbox | null = null;
let mounted = false;
afterEach(async () => {
  if (box === null) return;
  // The read-only bind mount of the journal, when a failed test did not get to undo it.
  await run("umount", [join(box.workspace, ".workspace-sync", "incoming.delivered")]).catch(() => undefined);
  if (mounted) await unmount(box.workspace);
  await box.cleanup();
  box = null;
  mounted = false;
});

/** A wrapper that runs `after` (shell) once the drain's fetch (`rclone copy ... incoming.filter`) has ended. */
async function afterFetch(root: string, after: string): Promise<string> {
  const real = (await run("sh", ["-c", "command -v rclone"])).stdout.trim();
  const path = join(root, "rclone-after-fetch.sh");
  await writeFile(
    path,
    `#!/bin/sh\ncase " $* " in *" copy "*incoming.filter*) ${real} "$@"; code=$?; ${after}; exit $code;; esac\nexec ${real} "$@"\n`,
  );
  await chmod(path, 0o755);
  return path;
}

interface Breakage {
  /** Shell run by the wrapper right after the fetch. */
  after: string;
  fix: () => Promise<void>;
  /** The kind, and whether the journal itself is what failed (else another write after the delivery). */
  kind: "fatal" | "retryable";
  journal: boolean;
}

async function scenario(sandbox: Sandbox, breakage: Breakage): Promise<void> {
  const outbox = join(sandbox.remoteDir, "_outbox");
  const inbox = join(sandbox.shared, "_inbox");
  const random = seeded(1704);
  const bodies = new Map([
    ["letter.txt", Buffer.from("for the agent\n")],
    ["data.bin", seededBytes(random, 256 * 1024)],
  ]);
  for (const [name, body] of bodies) await writeFile(join(outbox, name), body);
  const broken = await cliWith(sandbox, await afterFetch(sandbox.root, breakage.after)).run("sync");
  expect(broken.code).not.toBe(0);
  const status = (await sandbox.cli("status")).stdout;
  const reason = status.split("\n").find((l) => l.startsWith("last error")) ?? "";
  console.info(`${reason}\n  _inbox after the failure: ${(await filesIn(inbox)).join(", ") || "(empty)"}`);
  expect(reason).toMatch(new RegExp(`^last error ${breakage.kind}: `));
  if (breakage.journal) {
    expect(reason).toMatch(/the delivery journal .*incoming\.delivered cannot be written/);
    expect(reason).toMatch(/was taken back out of _inbox, and stays in _outbox/);
    expect(await filesIn(inbox)).toEqual([]);
  }
  expect(await filesIn(outbox)).toEqual([...bodies.keys()].sort());
  expect(await filesIn(join(sandbox.workspace, ".workspace-sync", "quarantine"))).toEqual([]);

  await breakage.fix();
  const fixed = await sandbox.cli("sync");
  expect(fixed.code, fixed.stderr).toBe(0);
  expect(await filesIn(inbox)).toEqual([...bodies.keys()].sort());
  for (const [name, body] of bodies) expect(sha256(await readFile(join(inbox, name)))).toBe(sha256(body));
  expect(await filesIn(outbox)).toEqual([]);
  expect(await filesIn(join(sandbox.workspace, ".workspace-sync", "incoming"))).toEqual([]);
  expect(await lastState(sandbox)).toBe("idle");
  // And once more: nothing arrives a second time.
  expect((await sandbox.cli("sync")).code).toBe(0);
  expect(await filesIn(inbox)).toEqual([...bodies.keys()].sort());
}

describe("a journal write that fails after the delivery", () => {
  it("the journal's path is a folder (EISDIR): taken back, then delivered once", async () => {
    box = await createSandbox();
    expect((await box.cli("sync")).code).toBe(0);
    const journal = join(box.workspace, ".workspace-sync", "incoming.delivered");
    const fix = () => rm(journal, { recursive: true });
    await scenario(box, { after: `mkdir '${journal}'`, fix, kind: "fatal", journal: true });
  });

  it.skipIf(!isRoot)(
    "the journal is read-only (EROFS, a bind mount): taken back, then delivered once",
    async () => {
      box = await createSandbox();
      expect((await box.cli("sync")).code).toBe(0);
      const journal = join(box.workspace, ".workspace-sync", "incoming.delivered");
      const after = `touch '${journal}' && mount --bind '${journal}' '${journal}' && mount -o remount,ro,bind '${journal}'`;
      const fix = async () => {
        await run("umount", [journal]);
        await rm(journal);
      };
      await scenario(box, { after, fix, kind: "retryable", journal: true });
    },
  );

  it.skipIf(!isRoot)(
    "the workspace's disk fills up right after the fetch (tmpfs): nothing lost, then each once",
    async () => {
      box = await createSandbox();
      mounted = await mountTmpfs(box.workspace, 4);
      expect(mounted).toBe(true);
      await mkdir(box.shared, { recursive: true });
      expect((await box.cli("sync")).code).toBe(0);
      const filler = join(box.workspace, "filler.bin");
      // tmpfs still takes the journal's few bytes here; the write that fails is the next one (the delete's
      // filter file), after both deliveries were recorded: the remote copies stay until the next drain.
      await scenario(box, {
        after: `cat /dev/zero > '${filler}' 2>/dev/null`,
        fix: () => rm(filler),
        kind: "retryable",
        journal: false,
      });
    },
  );
});
