/**
 * A full disk at the drain, with the workspace on a small tmpfs the test mounts (root only; skipped with a
 * notice otherwise): nothing partial is delivered, the remote file is kept, the failure is retryable and
 * says how much free space is needed, and the file arrives whole once space is freed. Two ways to be full:
 * already before the drain (met by the free-space check before any byte is fetched), and filled by another
 * writer after that check, as rclone fetches (met as rclone's own "no space left on device" or "file too big
 * for remaining disk space": the drain then says how much the waiting files need).
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";
import { cliWith, lastState, mountTmpfs, seeded, seededBytes, sha256, unmount } from "./support.js";

const isRoot = process.getuid?.() === 0;
const runShell = (command: string): Promise<string> =>
  new Promise((done, fail) =>
    execFile("sh", ["-c", command], (error, stdout) => (error ? fail(error) : done(stdout))),
  );
if (!isRoot) console.info("disk-full: not root, so no tmpfs can be mounted here: skipped");

let box: Sandbox;
let outbox: string;
let inbox: string;
const mib = 1_048_576;
beforeEach(async () => {
  if (!isRoot) return;
  box = await createSandbox();
  // The workspace (with `_inbox` and the staging folder) on a 12 MiB tmpfs; state and cloud elsewhere.
  expect(await mountTmpfs(box.workspace, 12)).toBe(true);
  await mkdir(box.shared, { recursive: true });
  expect((await box.cli("sync")).code).toBe(0);
  outbox = join(box.remoteDir, "_outbox");
  inbox = join(box.shared, "_inbox");
});
afterEach(async () => {
  if (!isRoot) return;
  await unmount(box.workspace);
  await box.cleanup();
});

/** What must hold while the disk is full: no partial arrival, the remote copy whole, a retryable reason. */
async function heldBack(name: string, body: Buffer): Promise<string> {
  expect(await filesIn(inbox)).not.toContain(name);
  expect(sha256(await readFile(join(outbox, name)))).toBe(sha256(body));
  const status = await box.cli("status");
  console.info(status.stdout);
  expect(await lastState(box)).toBe("recovering");
  expect(status.stdout).toMatch(
    /last error retryable: no space left on .*(MiB free space needed|MiB are needed)/,
  );
  return status.stdout.split("\n").find((l) => l.startsWith("last error")) ?? "";
}

async function deliveredAfterFreeing(filler: string, name: string, body: Buffer): Promise<void> {
  await rm(filler);
  const result = await box.cli("sync");
  expect(result.code, result.stderr).toBe(0);
  expect(sha256(await readFile(join(inbox, name)))).toBe(sha256(body));
  expect(await filesIn(inbox)).toEqual(expect.arrayContaining([name]));
  expect((await filesIn(inbox)).filter((f) => f.startsWith("big"))).toEqual([name]);
  expect(await filesIn(outbox)).toEqual([]);
  expect(await filesIn(join(box.workspace, ".workspace-sync", "incoming"))).toEqual([]);
}

describe.skipIf(!isRoot)("disk full at the drain (tmpfs)", () => {
  it("full before the drain: the small arrival is delivered, the big one waits with the space it needs", async () => {
    const random = seeded(1702);
    const filler = join(box.workspace, "filler.bin");
    await writeFile(filler, Buffer.alloc(7 * mib));
    const body = seededBytes(random, 6 * mib);
    await writeFile(join(outbox, "big.bin"), body);
    await writeFile(join(outbox, "small.txt"), "small\n");
    const failed = await box.cli("sync");
    expect(failed.code).not.toBe(0);
    expect(await readFile(join(inbox, "small.txt"), "utf8")).toBe("small\n");
    const reason = await heldBack("big.bin", body);
    expect(reason).toMatch(/for 1 arrival \(big\.bin\): about 7 MiB free space needed, \d MiB free at /);
    console.info(`disk-full (before): ${reason}`);
    await deliveredAfterFreeing(filler, "big.bin", body);
  });

  it("filling up after the room check, as rclone fetches: nothing partial delivered, delivered whole after space is freed", async () => {
    const random = seeded(1703);
    const body = seededBytes(random, 8 * mib);
    await writeFile(join(outbox, "big2.bin"), body);
    // Another writer takes the room between the drain's free-space check and rclone's write: the wrapper
    // fills the disk just before the fetch's rclone starts (deterministic, unlike racing a live fetch).
    const filler = join(box.workspace, "filler.bin");
    const real = (await runShell("command -v rclone")).trim();
    const wrapper = join(box.root, "rclone-filling.sh");
    await writeFile(
      wrapper,
      `#!/bin/sh\ncase " $* " in *" copy "*) head -c ${6 * mib} /dev/zero > '${filler}' 2>/dev/null;; esac\nexec ${real} "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    const failed = await cliWith(box, wrapper).run("sync");
    expect(failed.code).not.toBe(0);
    const reason = await heldBack("big2.bin", body);
    console.info(`disk-full (during): ${reason}`);
    await deliveredAfterFreeing(filler, "big2.bin", body);
  });
});
