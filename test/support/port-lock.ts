/**
 * `rclone authorize` always listens on 127.0.0.1:53682: test files that run it (in parallel processes)
 * take this lock for as long as they use the port, so they never collide. A lock whose holder died is
 * taken over.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errnoOf } from "../../src/util/errors.js";
import { isAlive, sleep } from "../../src/util/process.js";

/** Waits (up to `timeoutMs`) for the port's lock; resolves with its release. */
export async function lockPort(port: number, timeoutMs = 180_000): Promise<() => Promise<void>> {
  const file = join(tmpdir(), `wsync-test-port-${port}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: "wx" });
      return () => rm(file, { force: true });
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
      const holder = Number(await readFile(file, "utf8").catch(() => "0"));
      if (!(holder > 0 && isAlive(holder))) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`port ${port} is locked by test process ${holder}`);
      await sleep(200);
    }
  }
}
