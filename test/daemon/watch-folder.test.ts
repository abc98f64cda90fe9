/**
 * The watcher's own bookkeeping, with a stand-in for `@parcel/watcher` that behaves as inotify does when a
 * folder tree is made at once: it reports the top folder and never the one inside it. New folders make the
 * watcher subscribe afresh (dropping the old subscription) and send those folders again, so what was
 * written in them before the new subscription saw it is still pushed. And the real watcher, end to end:
 * a write into a folder made by `mkdir -p`, well after the folder appeared, is seen.
 */
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
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
  excludes: [],
  unwatchedExcludes: [],
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
    const batches: { at: number; paths: readonly string[] }[] = [];
    const watching = await watchFolder(
      base(dir, (b) => {
        for (const p of b.paths) seen.add(p);
        batches.push({ at: Date.now(), paths: b.paths });
      }),
    );
    // Covered: the path itself, or a folder holding it (whose `dir/**` scope the push takes), sent after `since`.
    const coveredAfter = (since: number, path: string) =>
      batches.some((b) => b.at >= since && b.paths.some((p) => p === path || path.startsWith(`${p}/`)));
    try {
      for (let i = 0; i < 5; i++) {
        await mkdir(join(dir, `t${i}`, "a", "b"), { recursive: true });
        await eventually(() => seen.has(`t${i}`), `t${i} seen`, 10_000);
        // After the folder appeared: an ordinary write inside it. Seen by the new subscription, or (when it
        // lands before that subscription is up, as on a loaded machine) covered by the folder sent again after it.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const wrote = Date.now();
        await writeFile(join(dir, `t${i}`, "a", "b", "late.txt"), "late");
        await eventually(
          () => coveredAfter(wrote, `t${i}/a/b/late.txt`),
          `t${i}/a/b/late.txt covered`,
          10_000,
        );
      }
    } finally {
      await watching.stop();
    }
  });
});

/** The inotify watches this process holds (Linux: one `inotify wd:` line per watched folder). */
async function inotifyWatches(): Promise<number | null> {
  if (process.platform !== "linux") return null;
  let count = 0;
  for (const fd of await readdir("/proc/self/fd")) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (target !== "anon_inode:inotify") continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, "utf8").catch(() => "");
    count += info.split("\n").filter((line) => line.startsWith("inotify wd:")).length;
  }
  return count;
}

describe("the watcher and excluded folders", () => {
  it("neither watches nor sends what the push excludes (the real watcher)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wsync-watch-"));
    root = dir;
    for (const sub of ["node_modules/pkg/lib", "src/node_modules/pkg", "_inbox", "src/build"])
      await mkdir(join(dir, sub), { recursive: true });
    const before = await inotifyWatches();
    const seen = new Set<string>();
    const warnings: string[] = [];
    const watching = await watchFolder({
      ...base(dir, (b) => {
        for (const p of b.paths) seen.add(p);
      }),
      ignoreDirs: ["_inbox"],
      excludes: ["_inbox/**", "node_modules/**", "build/", "*.tmp"],
      unwatchedExcludes: ["node_modules/**", "build/", "*.tmp"],
      warn: (message) => warnings.push(message),
    });
    try {
      // Watched: the root and src only.
      if (before !== null) expect((await inotifyWatches()) ?? 0).toBe(before + 2);
      await writeFile(join(dir, "node_modules", "pkg", "lib", "a.js"), "a");
      await writeFile(join(dir, "src", "node_modules", "pkg", "b.js"), "b");
      await mkdir(join(dir, "src", "node_modules", "new", "deep"), { recursive: true });
      await writeFile(join(dir, "src", "node_modules", "new", "deep", "c.js"), "c");
      await writeFile(join(dir, "_inbox", "d.txt"), "d");
      await writeFile(join(dir, "src", "build", "e.o"), "e");
      await writeFile(join(dir, "src", "f.tmp"), "f");
      // Written last: once it is seen, whatever came before it has been heard (inotify keeps the order).
      await writeFile(join(dir, "src", "kept.txt"), "kept");
      await eventually(() => seen.has("src/kept.txt"), "src/kept.txt seen", 10_000);
      expect([...seen].filter((p) => /node_modules|_inbox|build|\.tmp$/.test(p))).toEqual([]);
      expect(warnings).toEqual([]);
    } finally {
      await watching.stop();
    }
  });
});

describe("a native matcher that refuses a pattern", () => {
  it("says so once, watches those folders too and filters their events itself", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wsync-watch-"));
    root = dir;
    const tried: (string | RegExp)[][] = [];
    let callback: Callback | undefined;
    const picky: Subscribe = async (_dir, cb, options) => {
      tried.push(options.ignore);
      if (options.ignore.some((entry) => entry instanceof RegExp)) throw new Error("regex_error");
      callback = cb;
      return { unsubscribe: async () => undefined };
    };
    const batches: ChangeBatch[] = [];
    const warnings: string[] = [];
    const watching = await watchFolder({
      ...base(dir, (b) => batches.push(b)),
      ignoreDirs: ["_inbox"],
      excludes: ["_inbox/**", "**/node_modules/**"],
      unwatchedExcludes: ["**/node_modules/**"],
      warn: (message) => warnings.push(message),
      subscribe: picky,
    });
    expect(tried).toEqual([[join(dir, "_inbox"), expect.any(RegExp)], [join(dir, "_inbox")]]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("regex_error");
    callback?.(null, [
      { path: join(dir, "src", "node_modules", "x.js"), type: "update" },
      { path: join(dir, "src", "kept.txt"), type: "update" },
    ]);
    await eventually(() => batches.length > 0, "a batch", 5000);
    expect(batches.flatMap((b) => b.paths)).toEqual(["src/kept.txt"]);
    expect(batches.some((b) => b.all === true)).toBe(false);
    await watching.stop();
  });
});
