/**
 * 20 seeded `kill -9`s of a host in the middle of a drain, with the cloud on another file system than the
 * workspace (rclone writes the staged copy in place there, so a kill leaves a partial file): every arrival
 * ends in `_inbox` exactly once, sha256-identical, and no numbered duplicate of the same content appears.
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../../src/util/process.js";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";
import {
  type CrossFsCloud,
  cliWith,
  configure,
  crossFsCloud,
  digests,
  lastState,
  rcloneWrapper,
  seeded,
  seededBytes,
  sha256,
} from "./support.js";

let box: Sandbox;
let cloud: CrossFsCloud;
beforeAll(async () => {
  box = await createSandbox();
  cloud = await crossFsCloud(box.root);
  await configure(box, cloud.config);
  console.info(`drain-kill: cloud on ${cloud.kind}`);
});
afterAll(async () => {
  await cloud?.stop();
  await box?.cleanup();
});

describe("kill -9 mid-drain, cloud on another file system", () => {
  it("20 seeded kills: every arrival exactly once, whole, no numbered duplicate", async () => {
    const random = seeded(17);
    const rclone = await rcloneWrapper(box.root, ["--bwlimit", "24M"]);
    const cli = cliWith(box, rclone);
    expect((await cli.run("sync")).code).toBe(0);
    const outbox = join(cloud.dir, "openclaw-share", "_outbox");
    const inbox = join(box.shared, "_inbox");
    const sent = new Map<string, string>();
    const started = Date.now();
    let killedDraining = 0;
    for (let round = 0; round < 20; round++) {
      // Two new arrivals every other round, so kills land in copies, deliveries and deletes alike.
      if (round % 2 === 0) {
        for (let k = 0; k < 2; k++) {
          const name = `r${round}/big${k}.bin`;
          const body = seededBytes(random, (4 + Math.floor(random() * 5)) * 1024 * 1024);
          await mkdir(join(outbox, `r${round}`), { recursive: true });
          await writeFile(join(outbox, name), body);
          sent.set(sha256(body), name);
        }
      }
      const child = spawn(process.execPath, cli.argv("sync"), { env: cli.env, stdio: "ignore" });
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      let draining = false;
      for (let i = 0; i < 1000 && !draining && child.exitCode === null; i++) {
        if ((await lastState(box)) === "running.draining") draining = true;
        else await sleep(10);
      }
      if (draining) killedDraining++;
      await sleep(Math.floor(random() * 900));
      child.kill("SIGKILL");
      await exited;
    }
    // Then syncs until the outbox is empty (the first also stops any orphaned rclone).
    for (let i = 0; i < 3 && (await filesIn(outbox)).length > 0; i++) {
      expect((await cli.run("sync")).code).toBe(0);
    }
    console.info(`drain-kill: ${killedDraining} of 20 kills during draining, ${Date.now() - started} ms`);
    expect(killedDraining).toBeGreaterThanOrEqual(15);
    expect(await filesIn(outbox)).toEqual([]);
    expect(await filesIn(join(box.workspace, ".workspace-sync", "incoming"))).toEqual([]);
    const received = await digests(inbox);
    const hashes = [...received.values()];
    // Exactly once each, byte for byte; nothing else (no partial, no `name (1).bin` of the same content).
    expect(hashes.length).toBe(sent.size);
    expect(new Set(hashes).size).toBe(sent.size);
    for (const [hash, name] of sent) expect(received.get(name)).toBe(hash);
  }, 180_000);
});
