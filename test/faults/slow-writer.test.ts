/**
 * A slow writer into the remote `_outbox` (a file growing in place, as an upload over SFTP or into a
 * folder does): syncs run while it writes, and the file arrives whole, once, only after it stopped
 * changing for `outboxSettleSeconds`. Two clouds: `local` on a tmpfs the test mounts (root; else skipped
 * with a notice), and SFTP on 127.0.0.1 (the writer appends to the file the server serves).
 */
import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../../src/util/process.js";
import { createSandbox, filesIn, pathExists, type Sandbox, testEnv } from "../support/sandbox.js";
import { startSftpServer } from "../support/servers.js";
import { configure, digests, mountTmpfs, seeded, seededBytes, sha256, unmount } from "./support.js";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.info("slow-writer: not root, the tmpfs cloud is skipped (SFTP still runs)");

let box: Sandbox | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await box?.cleanup();
});

/** Appends `body` to `path` in `chunks` pieces, `gapMs` apart (each gap shorter than the settle time). */
async function slowWrite(path: string, body: Buffer, chunks: number, gapMs: number): Promise<void> {
  const handle = await open(path, "w");
  try {
    const step = Math.ceil(body.length / chunks);
    for (let at = 0; at < body.length; at += step) {
      await handle.write(body, at, Math.min(step, body.length - at));
      await handle.datasync();
      await sleep(gapMs);
    }
  } finally {
    await handle.close();
  }
}

/** The same through the SFTP server (`rclone rcat`, its stdin fed slowly): the upload grows in place there. */
async function slowUpload(target: string, rcloneConfig: string, body: Buffer, chunks: number, gapMs: number) {
  const child = spawn("rclone", ["rcat", target, "--config", rcloneConfig], {
    env: testEnv(),
    stdio: ["pipe", "ignore", "ignore"],
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const step = Math.ceil(body.length / chunks);
  for (let at = 0; at < body.length; at += step) {
    child.stdin.write(body.subarray(at, Math.min(at + step, body.length)));
    await sleep(gapMs);
  }
  child.stdin.end();
  expect(await exited).toBe(0);
}

async function arrivesWholeOnce(
  cloudDir: string,
  kind: string,
  write: (body: Buffer) => Promise<void>,
): Promise<void> {
  if (box === undefined) throw new Error("no sandbox");
  const outbox = join(cloudDir, "openclaw-share", "_outbox");
  const inbox = join(box.shared, "_inbox");
  const body = seededBytes(seeded(1733), 12 * 1_048_576);
  const started = Date.now();
  let finished = false;
  const writing = write(body).then(() => {
    finished = true;
  });
  let syncs = 0;
  let waitingSeen = 0;
  while (!(await pathExists(join(inbox, "upload.bin"))) && syncs < 12) {
    const result = await box.cli("sync");
    syncs++;
    console.info(
      `slow-writer (${kind}): sync ${syncs} at ${Date.now() - started} ms, writer done: ${finished}`,
    );
    expect(result.code, result.stderr).toBe(0);
    if (result.stdout.includes("still being uploaded")) waitingSeen++;
    // Never a part of it: when it is there, the writer is done and it is whole.
    if (await pathExists(join(inbox, "upload.bin"))) expect(finished).toBe(true);
  }
  await writing;
  const received = await digests(inbox);
  expect([...received.entries()]).toEqual([["upload.bin", sha256(body)]]);
  expect(await filesIn(outbox)).toEqual([]);
  console.info(
    `slow-writer (${kind}): ${syncs} syncs, ${waitingSeen} saw it still being uploaded, ${Date.now() - started} ms`,
  );
  expect(waitingSeen).toBeGreaterThanOrEqual(1);
}

describe("a slow writer into the remote _outbox: the file arrives whole, once", () => {
  it.skipIf(!isRoot)(
    "local cloud on another file system (tmpfs)",
    async () => {
      box = await createSandbox({ outboxSettleSeconds: 3 });
      const mnt = join(box.root, "cloud-fs");
      expect(await mountTmpfs(mnt, 64)).toBe(true);
      stop = () => unmount(mnt);
      await configure(box, { local: { path: mnt } });
      expect((await box.cli("sync")).code).toBe(0);
      await arrivesWholeOnce(mnt, "tmpfs", (body) =>
        slowWrite(join(mnt, "openclaw-share", "_outbox", "upload.bin"), body, 24, 500),
      );
    },
    150_000,
  );

  it("SFTP", async () => {
    box = await createSandbox({ outboxSettleSeconds: 3 });
    const dir = join(box.root, "sftp");
    const server = await startSftpServer(dir);
    stop = () => server.stop();
    await configure(box, server.config);
    expect((await box.cli("sync")).code).toBe(0);
    await arrivesWholeOnce(dir, "sftp", (body) =>
      slowUpload(`${server.root()}/_outbox/upload.bin`, server.rcloneConfig, body, 24, 500),
    );
  }, 150_000);
});
