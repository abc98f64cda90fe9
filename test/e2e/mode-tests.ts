/** The scenarios every kind of remote runs: mirror, bisync, conflicts, locks, lost listings, guards. */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ago,
  filesIn,
  lockFiles,
  type RemoteKind,
  removeListing,
  slowBisync,
  status,
  useRemote,
  type World,
  waitFor,
} from "./mode-scenarios.js";

const inboxFilter = ["--exclude", "/inbox/**"];

async function resynced(world: World): Promise<void> {
  const result = await world.sb.cli("sync", "--resync");
  expect(result.code, result.stderr).toBe(0);
}

export function defineModeTests(kind: RemoteKind): void {
  const world = useRemote(kind);

  describe(`mirror on ${kind}`, () => {
    it("converges from a cold start, follows edits and deletes, ingests additively, and halts before emptying", async () => {
      const w = await world();
      await w.reconfigure({ mode: "mirror", ingest: true });
      const seed: [string, string][] = [
        ["a.txt", "a"],
        ["b.txt", "b"],
        ["c.txt", "c"],
        ["d/e.txt", "e"],
      ];
      for (const [path, text] of seed) await w.side.put(path, text);
      await w.side.put("inbox/theirs.txt", "from the cloud");
      expect((await w.sb.cli("sync")).code).toBe(0);
      expect(await filesIn(w.sb.shared)).toEqual(["a.txt", "b.txt", "c.txt", "d/e.txt"]);
      await w.check(inboxFilter);

      // Edits and deletes on the remote follow; what a person drops in the ingest folder goes up.
      await w.write("inbox/mine.txt", "from the agent");
      await w.side.put("a.txt", "a2");
      await w.side.remove("b.txt");
      expect((await w.sb.cli("sync")).code).toBe(0);
      expect(await w.read("a.txt")).toBe("a2");
      expect(await filesIn(w.sb.shared)).toEqual(["a.txt", "c.txt", "d/e.txt", "inbox/mine.txt"]);
      expect(await w.side.list()).toEqual(expect.arrayContaining(["inbox/mine.txt", "inbox/theirs.txt"]));
      await w.check(inboxFilter);
      // Additive: removing the local copy never deletes the uploaded one.
      await rm(join(w.sb.shared, "inbox", "mine.txt"));
      expect((await w.sb.cli("sync")).code).toBe(0);
      expect(await w.side.list()).toContain("inbox/mine.txt");

      // A dry run lists what would happen and changes nothing on either side.
      await w.side.put("f.txt", "f");
      await w.side.remove("c.txt");
      const before = await w.snapshot();
      const dry = await w.json("sync", "--dry-run");
      expect(dry.code).toBe(0);
      const changes = (dry.out.cycle as { pull: { changes: { path: string; action: string }[] } }).pull
        .changes;
      expect(changes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: "f.txt", action: "copied" }),
          expect.objectContaining({ path: "c.txt", action: "deleted" }),
        ]),
      );
      expect(await w.snapshot()).toEqual(before);
      expect((await w.sb.cli("sync")).code).toBe(0);

      // Deleting most of the remote halts before anything local is deleted; --force goes through.
      await w.side.remove("a.txt");
      await w.side.remove("d/e.txt");
      const bulk = await w.sb.cli("sync");
      expect(bulk.code).toBe(1);
      expect(bulk.stderr).toContain("halted");
      expect(await filesIn(w.sb.shared)).toEqual(["a.txt", "d/e.txt", "f.txt"]);
      expect(await status(w)).toMatchObject({
        state: "halted",
        halt: { reason: "bulkDelete", deletes: 2, destinationFiles: 3 },
      });
      expect((await w.sb.cli("sync", "--force")).code).toBe(0);
      expect(await filesIn(w.sb.shared)).toEqual(["f.txt"]);
      await w.check(inboxFilter);

      // An emptied remote halts too, with nothing deleted.
      await w.side.remove("f.txt");
      const empty = await w.sb.cli("sync");
      expect(empty.code).toBe(1);
      expect(await status(w)).toMatchObject({ state: "halted", halt: { reason: "emptySource" } });
      expect(await filesIn(w.sb.shared)).toEqual(["f.txt"]);
      expect((await w.sb.cli("sync", "--force")).code).toBe(0);
      expect(await filesIn(w.sb.shared)).toEqual([]);
      expect((await status(w)).state).toBe("idle");
    });
  });

  describe(`mailbox guard on ${kind}`, () => {
    it("an emptied workspace halts the push with nothing deleted; --force proceeds", async () => {
      const w = await world();
      for (const name of ["a", "b", "c"]) await w.write(`${name}.txt`, name);
      expect((await w.sb.cli("sync")).code).toBe(0);
      for (const name of ["a", "b", "c"]) await rm(join(w.sb.shared, `${name}.txt`));
      const halted = await w.sb.cli("sync");
      expect(halted.code).toBe(1);
      expect(halted.stderr).toContain("emptySource");
      expect(await w.side.list()).toEqual(["a.txt", "b.txt", "c.txt"]);
      expect(await status(w)).toMatchObject({ state: "halted", halt: { reason: "emptySource" } });
      expect((await w.sb.cli("sync", "--force")).code).toBe(0);
      expect(await w.side.list()).toEqual([]);
    });
  });

  describe(`bisync on ${kind}`, () => {
    it("waits for --resync on the first run, then converges through edits and deletes on both sides", async () => {
      const w = await world();
      await w.reconfigure({ mode: "bisync" });
      await w.write("l1.txt", "l1");
      await w.write("l2.txt", "l2");
      await w.write("same.txt", "local version");
      await w.side.put("r1.txt", "r1");
      await w.side.put("r2.txt", "r2");
      await w.side.put("same.txt", "remote version");
      const before = await w.snapshot();
      const first = await w.sb.cli("sync");
      expect(first.code).toBe(1);
      expect(first.stderr).toContain("--resync");
      const waiting = await status(w);
      expect(waiting).toMatchObject({ state: "needsResync", resyncNeeded: { kind: "needs-resync" } });
      expect((waiting.resyncNeeded as { hint: string; command: string }).hint).toContain(
        "copied to the other",
      );
      expect((waiting.resyncNeeded as { command: string }).command).toContain("sync --resync");
      expect((await w.sb.cli("sync", "--resync", "--dry-run")).code).toBe(0);
      expect(await w.snapshot()).toEqual(before);

      await resynced(w);
      await w.check();
      expect(await w.read("same.txt")).toBe("remote version");
      expect(await w.read("same.txt.conflict1")).toBe("local version");

      await w.write("l1.txt", "l1 edited");
      await w.side.put("r1.txt", "r1 edited");
      await w.write("n1.txt", "new here");
      await w.side.put("n2.txt", "new there");
      expect((await w.sb.cli("sync")).code).toBe(0);
      await w.check();
      expect(await w.side.read("l1.txt")).toBe("l1 edited");
      expect(await w.read("r1.txt")).toBe("r1 edited");

      await rm(join(w.sb.shared, "l2.txt"));
      await w.side.remove("r2.txt");
      expect((await w.sb.cli("sync")).code).toBe(0);
      await w.check();
      expect(await filesIn(w.sb.shared)).not.toEqual(expect.arrayContaining(["l2.txt"]));
      expect(await w.side.list()).not.toContain("r2.txt");

      await w.write("l1.txt", "again");
      await w.side.put("n3.txt", "n3");
      const snap = await w.snapshot();
      const dry = await w.json("sync", "--dry-run");
      expect(dry.code, dry.stderr).toBe(0);
      expect(await w.snapshot()).toEqual(snap);
      expect((await w.sb.cli("sync")).code).toBe(0);
      await w.check();
    });

    it("resolves a conflict under each policy: the winner keeps the name, the loser is kept on both sides", async () => {
      const w = await world();
      await w.reconfigure({ mode: "bisync" });
      for (const p of ["newer", "local", "remote"]) await w.write(`x-${p}.txt`, "base");
      await resynced(w);
      // Times chosen so each policy picks differently from what "newer" alone would.
      const cases = [
        { policy: "newer", local: ago(100), remote: ago(200), winner: "local" },
        { policy: "local", local: ago(200), remote: ago(100), winner: "local" },
        { policy: "remote", local: ago(100), remote: ago(200), winner: "remote" },
      ] as const;
      for (const c of cases) {
        await w.reconfigure({ conflictResolve: c.policy });
        const name = `x-${c.policy}.txt`;
        await w.write(name, `local ${c.policy}`, c.local);
        await w.side.put(name, `remote ${c.policy}!`, c.remote);
        const result = await w.json("sync");
        expect(result.code, result.stderr).toBe(0);
        expect(result.out.conflicts).toEqual([
          expect.objectContaining({ path: name, loser: `${name}.conflict1` }),
        ]);
        const loser = c.winner === "local" ? "remote" : "local";
        const winnerText = c.winner === "local" ? `local ${c.policy}` : `remote ${c.policy}!`;
        const loserText = loser === "local" ? `local ${c.policy}` : `remote ${c.policy}!`;
        for (const read of [w.read, w.side.read]) {
          expect(await read(name)).toBe(winnerText);
          expect(await read(`${name}.conflict1`)).toBe(loserText);
        }
        await w.check();
      }
      expect(await status(w)).toMatchObject({ totals: { conflicts: 3 } });
    });

    it("lost listings wait in needsResync, never resync on their own, and recover with sync --resync", async () => {
      const w = await world();
      await w.reconfigure({ mode: "bisync" });
      await w.write("a.txt", "a");
      await resynced(w);
      await removeListing(w, "path1");
      await w.write("b.txt", "b");
      for (let i = 0; i < 2; i++) {
        const result = await w.sb.cli("sync");
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("--resync");
        expect(await status(w)).toMatchObject({ state: "needsResync" });
      }
      expect(await w.side.list()).toEqual(["a.txt"]);
      await resynced(w);
      await w.check();
      expect((await status(w)).state).toBe("idle");
    });

    it("leaves a live bisync lock alone, and clears the lock a kill -9 left", async () => {
      const w = await world();
      // The slow transfer is a download: a killed upload leaves s3rver (unlike S3) a truncated object
      // it then serves with the full length, which hangs any reader. Whatever the killed download left
      // locally loses to the remote's complete copy under "remote", and is kept beside it.
      await w.reconfigure({ mode: "bisync", conflictResolve: "remote" });
      await w.write("a.txt", "a");
      await resynced(w);
      const big = randomBytes(300 * 1024);
      await w.side.put("big.bin", big, ago(3600));
      const live = await slowBisync(w);
      try {
        const held = await w.sb.cli("sync");
        expect(held.code).toBe(1);
        expect(held.stderr).toContain("bisync lock");
        expect(await lockFiles(w)).toHaveLength(1);
        expect(live.exitCode).toBeNull();
      } finally {
        live.kill("SIGKILL");
      }
      await waitFor(
        async () => live.exitCode !== null || live.signalCode !== null,
        "the killed rclone to exit",
      );
      expect(await lockFiles(w)).toHaveLength(1);
      const result = await w.json("sync");
      expect(result.code, result.stderr).toBe(0);
      expect(
        (result.out.cycle as { bisync: { staleLocksRemoved: string[] } }).bisync.staleLocksRemoved,
      ).toHaveLength(1);
      expect(await lockFiles(w)).toEqual([]);
      await w.check();
      const local = (await w.snapshot())[0]?.find((l) => l.endsWith(" big.bin"));
      expect(local?.split(" ")[0]).toBe(
        (await import("node:crypto")).createHash("md5").update(big).digest("hex"),
      );
      expect((await w.side.hashes()).find((l) => l.endsWith(" big.bin"))).toBe(local);
    });
  });
}
