/**
 * The host's watcher, end to end on the `local` provider with real rclone: what is written, renamed, deleted
 * in the synced folder reaches the remote without anyone asking; a burst lands whole; a watcher that fails
 * falls back to a full cycle; a change made while no host ran is pushed at the next start; the deletion guards
 * still stop a mass delete the watcher saw. Behaviour only: every wait is for an outcome, never a time.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/daemon/host.js";
import type { LogRecord } from "../../src/log/event-log.js";
import type { Subscribe } from "../../src/runtime/workspace/watch.js";
import { createSandbox, filesIn, rcloneCheck, type Sandbox } from "../support/sandbox.js";
import { eventually, logRecords, quietLogger, startHost } from "./helpers.js";

const watched = { watch: true, watchDebounceMs: 200, outboxPollInterval: 0, outboxSettleSeconds: 0 };
const burst = Number(process.env.WSYNC_WATCH_BURST ?? 1000);

let sandbox: Sandbox | undefined;
let host: Host | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
  await sandbox?.cleanup();
  sandbox = undefined;
});

const remoteHas = async (s: Sandbox, name: string) => (await filesIn(s.remoteDir)).includes(name);
const types = (records: readonly LogRecord[]) => records.map((r) => r.event.type);
/** Cycles done since the host started: one more after each wait means the watcher's cycle ran. */
const pushesDone = async (s: Sandbox) =>
  types(await logRecords(s.stateDir, s.workspace)).filter((t) => t === "pushDone").length;

describe("the host's watcher", () => {
  it("pushes a write, a rename, a delete, then a burst of writes; rclone check is clean", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    // Files that stay: deleting one file of many is within maxDelete (of one alone, the guard would halt).
    for (let i = 0; i < 4; i++) await writeFile(join(s.shared, `base${i}.txt`), `${i}`);
    host = await startHost(s, watched);
    // The full cycle at start comes first.
    await eventually(async () => (await pushesDone(s)) >= 1, "the start-up cycle");

    await writeFile(join(s.shared, "one.txt"), "one");
    await eventually(() => remoteHas(s, "one.txt"), "one.txt on the remote");
    await rename(join(s.shared, "one.txt"), join(s.shared, "two.txt"));
    await eventually(
      async () => (await remoteHas(s, "two.txt")) && !(await remoteHas(s, "one.txt")),
      "the rename on the remote",
    );
    await rm(join(s.shared, "two.txt"));
    await eventually(async () => !(await remoteHas(s, "two.txt")), "the delete on the remote");

    // The burst.
    for (let i = 0; i < burst; i++) {
      const dir = join(s.shared, "burst", `d${i % 20}`);
      if (i < 20) await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `f${i}.txt`), `file ${i}`);
    }
    await eventually(
      async () => (await filesIn(s.remoteDir)).filter((f) => f.startsWith("burst/")).length === burst,
      "the burst on the remote",
      120_000,
    );
    const check = await rcloneCheck(s.shared, s.remoteDir, [
      "--exclude",
      "_inbox/**",
      "--exclude",
      "_outbox/**",
    ]);
    expect(check.code, check.stderr).toBe(0);
    const records = await logRecords(s.stateDir, s.workspace);
    // The watcher's cycles were incremental pushes (a delete among the changes widens to a guarded full push).
    const seen = records.filter((r) => r.event.type === "changesSeen");
    expect(seen.length).toBeGreaterThan(0);
    expect(records.some((r) => r.event.type === "pushDone" && typeof r.event.changedPaths === "number")).toBe(
      true,
    );
  }, 240_000);

  it("watches by default; watch: false leaves cycles to requests and timers", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    host = await startHost(s, { outboxSettleSeconds: 0 });
    await writeFile(join(s.shared, "unasked.txt"), "pushed by the watcher");
    await eventually(() => remoteHas(s, "unasked.txt"), "unasked.txt on the remote");
    await host.stop();

    // Off: no start-up cycle, no watcher; the only cycle is the one asked for.
    const recordsBefore = (await logRecords(s.stateDir, s.workspace)).length;
    host = await startHost(s, { watch: false, outboxSettleSeconds: 0 });
    await writeFile(join(s.shared, "later.txt"), "x");
    const unit = host.units()[0];
    if (!unit) throw new Error("no unit");
    await unit.request({ type: "syncRequested", source: "cli" });
    const since = (await logRecords(s.stateDir, s.workspace)).slice(recordsBefore);
    expect(since.filter((r) => r.event.type === "syncRequested").map((r) => r.event.source)).toEqual(["cli"]);
    expect(types(since)).not.toContain("changesSeen");
    expect(await remoteHas(s, "later.txt")).toBe(true);
  }, 120_000);

  it("sends no changesSeen for a change in an excluded folder", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    await mkdir(join(s.shared, "node_modules", "pkg"), { recursive: true });
    host = await startHost(s, { ...watched, exclude: ["node_modules/**"] });
    await eventually(async () => (await pushesDone(s)) >= 1, "the start-up cycle");
    await writeFile(join(s.shared, "node_modules", "pkg", "index.js"), "excluded");
    await mkdir(join(s.shared, "_inbox"), { recursive: true });
    await writeFile(join(s.shared, "_inbox", "note.txt"), "the mailbox's own");
    // Written last: once it is on the remote, the watcher has heard the writes before it.
    await writeFile(join(s.shared, "kept.txt"), "kept");
    await eventually(() => remoteHas(s, "kept.txt"), "kept.txt on the remote");
    const seen = (await logRecords(s.stateDir, s.workspace)).filter((r) => r.event.type === "changesSeen");
    expect(seen.length).toBeGreaterThan(0);
    const paths = seen.flatMap((r) => (Array.isArray(r.event.paths) ? r.event.paths : []));
    expect(paths).toContain("kept.txt");
    expect(paths.filter((p) => /node_modules|_inbox/.test(String(p)))).toEqual([]);
    expect(await remoteHas(s, "node_modules/pkg/index.js")).toBe(false);
  }, 120_000);

  it("falls back to a full cycle when the watcher fails, and says how to fix it once", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    const logger = quietLogger();
    let fail: ((error: Error) => void) | undefined;
    const failing: Subscribe = async (_dir, callback) => {
      fail = (error) => callback(error, []);
      return { unsubscribe: async () => undefined };
    };
    host = await startHost(s, watched, { watchBackend: failing, logger });
    await eventually(async () => (await pushesDone(s)) >= 1, "the start-up cycle");
    // Written while the watcher is blind: only a full cycle can find it.
    await writeFile(join(s.shared, "unseen.txt"), "x");
    fail?.(new Error("Events were dropped (inotify queue overflow)"));
    fail?.(new Error("Events were dropped again"));
    await eventually(() => remoteHas(s, "unseen.txt"), "the full cycle to push unseen.txt");
    const records = await logRecords(s.stateDir, s.workspace);
    const lost = records.filter((r) => r.event.type === "changesSeen" && r.event.all === true);
    expect(lost.length).toBeGreaterThan(0);
    const warnings = logger.lines.filter((l) => l.includes("max_user_watches"));
    expect(warnings).toHaveLength(1);
  }, 120_000);

  it("pushes at the next start what changed while no host ran", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    host = await startHost(s, watched);
    await eventually(async () => (await pushesDone(s)) >= 1, "the first start-up cycle");
    await host.stop();
    host = undefined;
    await writeFile(join(s.shared, "offline.txt"), "written while down");
    host = await startHost(s, watched);
    await eventually(() => remoteHas(s, "offline.txt"), "offline.txt on the remote");
  }, 120_000);

  it("halts a mass delete the watcher saw, deleting nothing", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    for (let i = 0; i < 10; i++) await writeFile(join(s.shared, `keep${i}.txt`), `${i}`);
    host = await startHost(s, watched);
    await eventually(async () => (await filesIn(s.remoteDir)).length === 10, "the ten files on the remote");
    for (let i = 0; i < 8; i++) await rm(join(s.shared, `keep${i}.txt`));
    await eventually(
      async () => types(await logRecords(s.stateDir, s.workspace)).includes("pushHalted"),
      "the push to halt",
    );
    expect((await filesIn(s.remoteDir)).length).toBe(10);
  }, 120_000);

  it("polls the remote _outbox and drains only when something is there", async () => {
    sandbox = await createSandbox();
    const s = sandbox;
    host = await startHost(s, { ...watched, outboxPollInterval: 1 });
    // The start-up cycle's drain is its last step.
    await eventually(
      async () => types(await logRecords(s.stateDir, s.workspace)).includes("drainDone"),
      "the start-up cycle",
    );
    const drainsBefore = types(await logRecords(s.stateDir, s.workspace)).filter(
      (t) => t === "drainDone",
    ).length;
    const written = Date.now();
    await writeFile(join(s.remoteDir, "_outbox", "hello.txt"), "from the laptop");
    await eventually(
      async () => (await filesIn(join(s.shared, "_inbox"))).includes("hello.txt"),
      "the arrival",
    );
    // The drain's own record comes after its delivery.
    const drains = async () =>
      types(await logRecords(s.stateDir, s.workspace)).filter((t) => t === "drainDone").length;
    await eventually(async () => (await drains()) > drainsBefore, "the poll's drain on record");
    const records = await logRecords(s.stateDir, s.workspace);
    const polled = records.filter((r) => r.event.type === "syncRequested" && r.event.source === "poll");
    expect(polled.length).toBeGreaterThan(0);
    // An empty outbox asks for nothing: every poll request came after the file was there.
    for (const r of polled) expect(Number(r.event.at)).toBeGreaterThanOrEqual(written);
    expect(records.filter((r) => r.event.type === "drainDone").length).toBeGreaterThan(drainsBefore);
  }, 120_000);
});
