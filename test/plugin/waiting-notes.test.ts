/**
 * Next-turn notes that wait for a session survive a restart: the store in the state directory (atomic,
 * private, bounded, only what the agent would be told), and `NextTurnNotes` reloading it, each note sent
 * once and let go only when OpenClaw has it.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NextTurnInjection } from "../../src/plugin/api-session.js";
import { NextTurnNotes } from "../../src/plugin/next-turn.js";
import {
  fileStore,
  nextTurnTtlMs,
  type WaitingNote,
  waitingFileName,
  waitingNotesMax,
} from "../../src/plugin/waiting-notes.js";
import { eventually } from "../daemon/helpers.js";
import { fakeLogger } from "./fake-api.js";
import { openclawLike } from "./fake-workflow.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ocs-waiting-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const note = (key: string, at: number, workspace = "/ws"): WaitingNote => ({
  workspace,
  key,
  text: `workspace-sync alert: ${key}`,
  at,
});
const readBack = async () => JSON.parse(await readFile(join(dir, "state", waitingFileName), "utf8"));
const main = { sessionKey: "agent:main:main", agentId: "main" };

describe("the waiting-notes store", () => {
  it("writes atomically, privately, only the notes' own fields, and reads them back", async () => {
    const warnings: string[] = [];
    const store = fileStore(
      join(dir, "state"),
      (m) => warnings.push(m),
      () => 5_000,
    );
    const extra = { ...note("k1", 1_000), secret: "hunter2" }; // a stray field is not written
    await store.save([extra, note("k2", 2_000, "/other")]);
    expect(await store.load()).toEqual([note("k1", 1_000), note("k2", 2_000, "/other")]);
    expect(JSON.stringify(await readBack())).not.toContain("hunter2");
    expect((await stat(join(dir, "state", waitingFileName))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "state"))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, "state"))).toEqual([waitingFileName]); // no temp file left
    expect(warnings).toEqual([]);
  });

  it("keeps what is valid and within bounds: unexpired, one per key, the newest 32 a workspace", async () => {
    const now = nextTurnTtlMs + 100_000;
    const many = Array.from({ length: waitingNotesMax + 5 }, (_, i) => note(`n${i}`, now - 1000 + i));
    const stored = [
      note("old", now - nextTurnTtlMs), // a day old: dropped
      note("dup", now - 500, "/b"),
      note("dup", now - 900, "/b"), // the same note told earlier: its day runs from then
      { workspace: "/b", key: "", text: "no key", at: now },
      { workspace: "/b", key: "big", text: "x".repeat(40_000), at: now },
      ...many,
    ];
    await writeFile(join(dir, waitingFileName), JSON.stringify({ version: 1, notes: stored }));
    const loaded = await fileStore(
      dir,
      () => undefined,
      () => now,
    ).load();
    expect(loaded.filter((n) => n.workspace === "/b")).toEqual([note("dup", now - 900, "/b")]);
    const kept = loaded.filter((n) => n.workspace === "/ws").map((n) => n.key);
    expect(kept).toEqual(many.slice(-waitingNotesMax).map((n) => n.key));
  });

  it("a missing file is no notes; an unreadable one is ignored with a warning", async () => {
    const warnings: string[] = [];
    expect(await fileStore(dir, (m) => warnings.push(m)).load()).toEqual([]);
    expect(warnings).toEqual([]);
    await writeFile(join(dir, waitingFileName), "{ not json");
    expect(await fileStore(dir, (m) => warnings.push(m)).load()).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("is not a list of waiting notes")]);
  });
});

describe("waiting notes across a restart", () => {
  it("a note waiting when the gateway stops reaches the first session after the restart, once", async () => {
    const stored = new Set<string>();
    const openclaw = openclawLike(stored);
    const logger = fakeLogger();
    const state = join(dir, "state");
    let now = 1_000;
    const clock = () => now;

    const before = new NextTurnNotes(() => openclaw.workflow, clock);
    await before.open(
      fileStore(state, () => undefined, clock),
      () => main,
      logger,
    );
    before.tell("/ws", main, "workspace-sync alert: boom", "k1", logger);
    await eventually(() => before.waiting("/ws") === 1, "the note waiting");
    await before.settled();
    expect((await readBack()).notes).toEqual(
      [note("k1", 1_000)].map((n) => ({ ...n, text: "workspace-sync alert: boom" })),
    );

    // The restart: a new instance over the same directory; no session yet, so it waits on.
    now += 60_000;
    const after = new NextTurnNotes(() => openclaw.workflow, clock);
    await after.open(
      fileStore(state, () => undefined, clock),
      () => main,
      logger,
    );
    await eventually(() => openclaw.state.calls >= 2, "the reloaded note tried at once");
    await after.settled();
    expect(after.waiting("/ws")).toBe(1);
    expect(openclaw.queued).toEqual([]);

    stored.add(main.sessionKey);
    after.sessionStarted("/ws", main, logger);
    after.sessionStarted("/ws", main, logger); // a second start while the first hands it over
    await eventually(() => after.waiting("/ws") === 0, "the note handed over");
    await after.settled();
    expect(openclaw.queued).toEqual([
      expect.objectContaining({
        text: "workspace-sync alert: boom",
        idempotencyKey: "k1",
        ttlMs: nextTurnTtlMs - 60_000,
      }),
    ]);
    expect((await readBack()).notes).toEqual([]);

    // Another restart: nothing is left to send.
    const calls = openclaw.state.calls;
    const third = new NextTurnNotes(() => openclaw.workflow, clock);
    await third.open(
      fileStore(state, () => undefined, clock),
      () => main,
      logger,
    );
    third.sessionStarted("/ws", main, logger);
    await new Promise((r) => setTimeout(r, 20));
    expect(openclaw.state.calls).toBe(calls);
  });

  it("a note stays on disk until OpenClaw has it, and notes told before the store opened join it", async () => {
    const stored = new Set<string>();
    const openclaw = openclawLike(stored);
    const logger = fakeLogger();
    const state = join(dir, "state");
    await fileStore(state, () => undefined).save([note("k1", Date.now())]);
    const notes = new NextTurnNotes(() => openclaw.workflow);
    notes.tell("/ws", main, "told early", "k0", logger);
    await eventually(() => notes.waiting("/ws") === 1, "the early note waiting");
    await notes.open(
      fileStore(state, () => undefined),
      () => main,
      logger,
    );
    await eventually(() => openclaw.state.calls >= 3, "both tried");
    await notes.settled();
    expect((await readBack()).notes.map((n: WaitingNote) => n.key).sort()).toEqual(["k0", "k1"]);

    stored.add(main.sessionKey);
    openclaw.state.fail = true; // OpenClaw could not take them: they stay
    notes.sessionStarted("/ws", main, logger);
    await eventually(() => openclaw.state.calls >= 5, "both tried again");
    await new Promise((r) => setTimeout(r, 20));
    await notes.settled();
    expect(notes.waiting("/ws")).toBe(2);
    expect((await readBack()).notes).toHaveLength(2);
    expect(logger.lines.some((l) => l.level === "warn" && l.message.includes("session store is busy"))).toBe(
      true,
    );

    openclaw.state.fail = false;
    notes.sessionStarted("/ws", main, logger);
    await eventually(() => notes.waiting("/ws") === 0, "both handed over");
    await notes.settled();
    expect(openclaw.queued.map((q) => q.idempotencyKey).sort()).toEqual(["k0", "k1"]);
    expect((await readBack()).notes).toEqual([]);
  });

  it("after close, a late answer changes nothing on disk (another instance may own the file)", async () => {
    const stored = new Set<string>();
    const openclaw = openclawLike(stored);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let gated = false;
    const workflow = {
      enqueueNextTurnInjection: async (injection: NextTurnInjection) => {
        if (gated) await gate;
        return openclaw.workflow.enqueueNextTurnInjection(injection);
      },
    };
    const logger = fakeLogger();
    const state = join(dir, "state");
    const notes = new NextTurnNotes(() => workflow);
    await notes.open(
      fileStore(state, () => undefined),
      () => main,
      logger,
    );
    notes.tell("/ws", main, "workspace-sync alert: boom", "k1", logger);
    await eventually(() => notes.waiting("/ws") === 1, "the note waiting");
    await notes.settled();
    stored.add(main.sessionKey);
    gated = true;
    notes.sessionStarted("/ws", main, logger);
    await notes.close();
    release();
    await eventually(() => notes.waiting("/ws") === 0, "the note handed over");
    await new Promise((r) => setTimeout(r, 20));
    expect(openclaw.queued).toHaveLength(1);
    expect((await readBack()).notes.map((n: WaitingNote) => n.key)).toEqual(["k1"]); // the file is left alone
  });
});
