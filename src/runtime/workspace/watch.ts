/**
 * The host's watcher on the synced folder (`@parcel/watcher`: one native inotify/FSEvents/Windows watcher
 * per folder tree, events batched in C++, no per-file JS objects; see docs/daemon.md for why). It decides
 * nothing: it gathers the changed paths (relative, `/`-separated), skips what the push skips, and sends one
 * batch once the folder has been quiet for `debounceMs`, or at the latest `maxWaitMs` after the first change
 * of the batch. What the push skips as a whole folder is not watched at all (no inotify watch, no event): the
 * mode's own folders at the root, and every folder an `exclude` folder pattern (`X/**`, `X/`) matches. The
 * statechart decides what runs. When it loses track (an error, an overflow, more changes than a batch holds)
 * it says so once and sends `all`: the machine runs a full cycle, the safety net.
 */
import { lstat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { maxChangedPaths } from "../../../machines/requests.js";
import { messageOf } from "../../util/errors.js";
import { folderSkip, matchesAny } from "../../util/rclone-glob.js";

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
  options: { ignore: (string | RegExp)[] },
) => Promise<{ unsubscribe(): Promise<void> }>;

export interface WatchOptions {
  root: string;
  /** Folders under `root` never watched (the mode's own: the mailbox folders, the tool's folder). */
  ignoreDirs: readonly string[];
  /** The rclone exclude patterns the push applies: what they match is never sent. */
  excludes: readonly string[];
  /**
   * Those whose folder patterns leave every folder they match unwatched (the config's `exclude`). The mode's
   * own folders are left out at the root only (`ignoreDirs`): a pattern costs a RegExp test per path each
   * time the tree is walked, a path almost nothing.
   */
  unwatchedExcludes: readonly string[];
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

/**
 * What the native watcher skips: the mode's folders (absolute paths) and the excludes' folder patterns (a
 * named folder as a path, any other as a RegExp on relative paths, `/`-separated, so not on Windows).
 */
export function nativeIgnores(
  root: string,
  ignoreDirs: readonly string[],
  excludes: readonly string[],
): (string | RegExp)[] {
  const ignore: (string | RegExp)[] = ignoreDirs.map((dir) => join(root, dir));
  for (const pattern of excludes) {
    const skip = folderSkip(pattern);
    if (skip === null) continue;
    if ("path" in skip) ignore.push(join(root, skip.path));
    else if (sep === "/") ignore.push(skip.regexp);
  }
  return ignore;
}

type ParcelWatcher = typeof import("@parcel/watcher");

async function parcelSubscribe(): Promise<Subscribe> {
  // A CommonJS package: the bundles (which carry its JavaScript) give its exports as `default` only; Node
  // gives both.
  const imported: ParcelWatcher & { default?: ParcelWatcher } = await import("@parcel/watcher");
  const watcher = imported.default ?? imported;
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
  const ignored = matchesAny(options.excludes);
  let ignore = nativeIgnores(root, options.ignoreDirs, options.unwatchedExcludes);
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
      .filter(({ path }) => path !== "" && !path.startsWith("../") && !ignored(path));
    batcher.add(kept.map(({ path }) => path));
    const created = kept.filter(({ type }) => type === "create").map(({ path }) => path);
    if (created.length > 0) void noteCreated(created);
  };
  try {
    subscribe = options.subscribe ?? (await parcelSubscribe());
    const first = subscribe;
    current = await first(root, callback, { ignore }).catch(async (error: unknown) => {
      // A pattern the native matcher cannot read: watch those folders too, their events are filtered here.
      if (!ignore.some((entry) => entry instanceof RegExp)) throw error;
      options.warn(
        `the watcher cannot skip the excluded folders of ${root} (${messageOf(error)}); it watches them and ignores their changes`,
      );
      ignore = ignore.filter((entry) => typeof entry === "string");
      return first(root, callback, { ignore });
    });
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
