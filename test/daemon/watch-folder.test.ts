/**
 * The watcher's own bookkeeping, with a stand-in for `@parcel/watcher` that behaves as inotify does when a
 * folder tree is made at once: it reports the top folder and never the one inside it. New folders make the
 * watcher subscribe afresh (dropping the old subscription) and send those folders again, so what was
 * written in them before the new subscription saw it is still pushed. And the real watcher, end to end:
 * a write into a folder made by `mkdir -p`, well after the folder appeared, is seen.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ChangeBatch, type Subscribe, watchFolder } from "../../src/runtime/workspace/watch.js";
import { eventually } from "./helpers.js";

type Callback = Parameters<Subscribe>[1];

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

const base = (dir: string, send: (batch: ChangeBatch) => void) => ({
  root: dir,
  ignoreDirs: [],
  ignored: () => false,
  debounceMs: 20,
  maxWaitMs: 1000,
  send,
  warn: () => undefined,
});

describe("the watcher and new folders", () => {
  it("subscribes afresh when folders appear, and sends them again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wsync-watch-"));
    root = dir;
    const callbacks: Callback[] = [];
    const unsubscribed: number[] = [];
    const subscribe: Subscribe = async (_dir, callback) => {
      const n = callbacks.push(callback) - 1;
      return { unsubscribe: async () => void unsubscribed.push(n) };
    };
    const batches: ChangeBatch[] = [];
    const watching = await watchFolder({ ...base(dir, (b) => batches.push(b)), subscribe });
    await mkdir(join(dir, "burst", "d0"), { recursive: true });
    await writeFile(join(dir, "burst", "d0", "f0.txt"), "0");
    callbacks[0]?.(null, [{ path: join(dir, "burst"), type: "create" }]);

    await eventually(() => callbacks.length === 2, "a second subscription", 5000);
    expect(unsubscribed).toEqual([0]); // the old one is dropped first
    // Sent with the event, then again once the new subscription watches the folder.
    await eventually(
      () => batches.filter((b) => b.paths.includes("burst")).length >= 2,
      "burst sent twice",
      5000,
    );
    // A file event makes no new subscription.
    await writeFile(join(dir, "burst", "d0", "f1.txt"), "1");
    callbacks[1]?.(null, [{ path: join(dir, "burst", "d0", "f1.txt"), type: "create" }]);
    await eventually(() => batches.some((b) => b.paths.includes("burst/d0/f1.txt")), "the file", 5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(callbacks.length).toBe(2);
    await watching.stop();
    expect(unsubscribed).toEqual([0, 1]);
  });

  it("sees a later write in a folder made with mkdir -p (the real watcher)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wsync-watch-"));
    root = dir;
    const seen = new Set<string>();
    const watching = await watchFolder(
      base(dir, (b) => {
        for (const p of b.paths) seen.add(p);
      }),
    );
    try {
      for (let i = 0; i < 5; i++) {
        await mkdir(join(dir, `t${i}`, "a", "b"), { recursive: true });
        await eventually(() => seen.has(`t${i}`), `t${i} seen`, 10_000);
        // Well after the folder appeared (and after the re-subscription): an ordinary write inside it.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await writeFile(join(dir, `t${i}`, "a", "b", "late.txt"), "late");
        await eventually(() => seen.has(`t${i}/a/b/late.txt`), `t${i}/a/b/late.txt seen`, 10_000);
      }
    } finally {
      await watching.stop();
    }
  });
});
