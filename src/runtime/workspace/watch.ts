/**
 * The host's watcher on the synced folder (`@parcel/watcher`: one native inotify/FSEvents/Windows watcher
 * per folder tree, events batched in C++, no per-file JS objects; see docs/daemon.md for why). It decides
 * nothing: it gathers the changed paths (relative, `/`-separated), skips what the push skips, and sends one
 * batch once the folder has been quiet for `debounceMs`, or at the latest `maxWaitMs` after the first change
 * of the batch. The statechart decides what runs. When it loses track (an error, an overflow, more changes
 * than a batch holds) it says so once and sends `all`: the machine runs a full cycle, the safety net.
 */
import { lstat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { maxChangedPaths } from "../../../machines/requests.js";
import { messageOf } from "../../util/errors.js";

export interface ChangeBatch {
  paths: string[];
  /** The watcher lost track: everything may have changed. */
  all?: boolean;
  why?: string;
}

type Callback = (error: Error | null, events: { path: string; type: string }[]) => unknown;
/** `@parcel/watcher`'s `subscribe`, or a stand-in with its shape. */
export type Subscribe = (
  dir: string,
  callback: Callback,
  options: { ignore: string[] },
) => Promise<{ unsubscribe(): Promise<void> }>;

export interface WatchOptions {
  root: string;
  /** Folders under `root` never watched (the mailbox folders, the tool's own folder). */
  ignoreDirs: readonly string[];
  /** Relative paths the push would skip anyway (the excludes). */
  ignored: (path: string) => boolean;
  debounceMs: number;
  maxWaitMs: number;
  send: (batch: ChangeBatch) => void;
  warn: (message: string) => void;
  subscribe?: Subscribe;
}

export interface Watching {
  stop(): Promise<void>;
}

export const watchFix =
  "if it ran out of inotify watches, raise the limit: `sudo sysctl fs.inotify.max_user_watches=524288` (keep it in /etc/sysctl.d/); full cycles keep the remote in step meanwhile";

/** Gathers changed paths and sends them as one batch (see the file's comment). */
export class ChangeBatcher {
  #paths = new Set<string>();
  #overflow = false;
  #quiet: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;

  constructor(private readonly options: Pick<WatchOptions, "debounceMs" | "maxWaitMs" | "send">) {}

  add(paths: Iterable<string>): void {
    for (const path of paths) {
      if (this.#overflow) break;
      this.#paths.add(path);
      if (this.#paths.size > maxChangedPaths) this.#overflow = true;
    }
    if (this.#paths.size === 0 && !this.#overflow) return;
    if (this.#quiet !== undefined) clearTimeout(this.#quiet);
    this.#quiet = setTimeout(() => this.flush(), this.options.debounceMs);
    this.#deadline ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  flush(): void {
    this.#clear();
    if (this.#overflow)
      this.options.send({ paths: [], all: true, why: `more than ${maxChangedPaths} changes` });
    else if (this.#paths.size > 0) this.options.send({ paths: [...this.#paths].sort() });
    this.#paths = new Set();
    this.#overflow = false;
  }

  stop(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#quiet !== undefined) clearTimeout(this.#quiet);
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#quiet = undefined;
    this.#deadline = undefined;
  }
}

async function parcelSubscribe(): Promise<Subscribe> {
  const watcher = await import("@parcel/watcher");
  return (dir, callback, options) => watcher.subscribe(dir, callback, options);
}

/**
 * Starts watching `root`; a watcher that cannot start says why once and asks for a full cycle.
 *
 * A folder tree made at once (`mkdir -p a/b`, an unzip, a clone) can outrun inotify: the watcher reports `a`
 * but may never watch `a/b`, so later writes in `a/b` would go unseen (measured: 3 of 5 runs of
 * `mkdir -p burst/d0`). So when new folders appear, the folder is watched afresh (the new subscription walks
 * the tree; the old one is dropped after it) and the new folders are sent again: their `dir/**` scope covers
 * whatever was written there before the new subscription saw it.
 */
export async function watchFolder(options: WatchOptions): Promise<Watching> {
  const { root } = options;
  const batcher = new ChangeBatcher(options);
  let warned = false;
  let stopped = false;
  let current: { unsubscribe(): Promise<void> } | null = null;
  let rewatch: NodeJS.Timeout | undefined;
  const newDirs = new Set<string>();
  const lost = (why: string) => {
    if (!warned) options.warn(`the watcher on ${root} failed (${why}): ${watchFix}`);
    warned = true;
    batcher.stop();
    options.send({ paths: [], all: true, why: `watcher: ${why}` });
  };
  const toRelative = (path: string) => relative(root, path).split(sep).join("/");
  const ignore = options.ignoreDirs.map((dir) => join(root, dir));
  let subscribe: Subscribe | undefined;

  const resubscribe = async () => {
    rewatch = undefined;
    if (stopped || subscribe === undefined) return;
    const dirs = [...newDirs];
    newDirs.clear();
    try {
      // `@parcel/watcher` shares its native watcher while a subscription on the folder lives: only one made
      // after the old one is gone walks the tree again. The new folders are sent again below; a change made
      // elsewhere in the milliseconds between is left to the next full cycle.
      await current?.unsubscribe().catch(() => undefined);
      current = null;
      const next = await subscribe(root, callback, { ignore });
      current = next;
      if (stopped) await next.unsubscribe().catch(() => undefined);
    } catch (error) {
      return lost(messageOf(error));
    }
    batcher.add(dirs);
  };
  const noteCreated = async (paths: readonly string[]) => {
    for (const path of paths) {
      const info = await lstat(join(root, path)).catch(() => null);
      if (info?.isDirectory() === true) newDirs.add(path);
    }
    if (newDirs.size > 0 && rewatch === undefined && !stopped)
      rewatch = setTimeout(() => void resubscribe(), options.debounceMs);
  };
  const callback: Callback = (error, events) => {
    if (error !== null) return lost(messageOf(error));
    const kept = events
      .map((event) => ({ path: toRelative(event.path), type: event.type }))
      .filter(({ path }) => path !== "" && !path.startsWith("../") && !options.ignored(path));
    batcher.add(kept.map(({ path }) => path));
    const created = kept.filter(({ type }) => type === "create").map(({ path }) => path);
    if (created.length > 0) void noteCreated(created);
  };
  try {
    subscribe = options.subscribe ?? (await parcelSubscribe());
    current = await subscribe(root, callback, { ignore });
    return {
      async stop() {
        stopped = true;
        if (rewatch !== undefined) clearTimeout(rewatch);
        batcher.stop();
        await current?.unsubscribe().catch(() => undefined);
      },
    };
  } catch (error) {
    lost(messageOf(error));
    return { stop: async () => undefined };
  }
}
