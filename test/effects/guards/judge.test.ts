/** The deletion guards' verdict, and the conflict naming both rclone paths share. */
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeDeletion } from "../../../src/effects/guards/judge.js";
import { loserName, nativeConflicts, resolveLegacyConflicts } from "../../../src/modes/bisync/conflicts.js";
import { interpretBisyncFailure } from "../../../src/modes/bisync/failures.js";
import { filesIn } from "../../support/sandbox.js";

const plan = { operation: "a -> b", sourceMissing: false, sourceFiles: 10, destinationFiles: 10, deletes: 0 };

describe("deletion guards", () => {
  it("halts when the source is missing or empty and the destination holds files", () => {
    expect(judgeDeletion({ ...plan, sourceFiles: 0, deletes: 10 }, 100)?.reason).toBe("emptySource");
    const missing = judgeDeletion({ ...plan, sourceMissing: true, sourceFiles: 0, deletes: 10 }, 50);
    expect(missing?.message).toContain("is missing");
    expect(missing?.hint).toContain("--force");
    expect(judgeDeletion({ ...plan, sourceFiles: 0, destinationFiles: 0 }, 50)).toBeNull();
  });

  it("halts when more than maxDelete percent of the destination would go", () => {
    expect(judgeDeletion({ ...plan, deletes: 5 }, 50)).toBeNull();
    const halt = judgeDeletion({ ...plan, deletes: 6 }, 50);
    expect(halt).toMatchObject({ reason: "bulkDelete", deletes: 6, destinationFiles: 10 });
    expect(halt?.message).toContain("6 of 10 files (60%)");
    expect(judgeDeletion({ ...plan, deletes: 1 }, 0)?.reason).toBe("bulkDelete");
    expect(judgeDeletion({ ...plan, deletes: 9 }, 100)).toBeNull();
  });

  it("reads bisync's own safety aborts as halts, and lost listings as needs-resync with the command", () => {
    const tooMany = interpretBisyncFailure({
      kind: "fatal",
      message: "Safety abort: too many deletes (>50%, 6 of 9) on Path1",
    });
    expect(tooMany).toMatchObject({ halt: { reason: "bulkDelete", deletes: 6, destinationFiles: 9 } });
    expect(
      interpretBisyncFailure({ kind: "fatal", message: "Safety abort: all files were changed on Path1" }),
    ).toMatchObject({
      halt: { reason: "allChanged" },
    });
    const lost = interpretBisyncFailure({
      kind: "needs-resync",
      message: "Bisync aborted. Must run --resync to recover.",
    });
    expect(lost).toMatchObject({
      error: { kind: "needs-resync", hint: expect.stringContaining("workspace-sync sync --resync") },
    });
    expect(
      interpretBisyncFailure({
        kind: "fatal",
        message: "Bisync aborted. Error is retryable without --resync due to --resilient mode.",
      }),
    ).toMatchObject({
      error: { kind: "retryable" },
    });
  });
});

describe("conflict files", () => {
  it("keep the loser as <name>.conflict<N>, the next free N", () => {
    expect(loserName("a.txt", new Set())).toBe("a.txt.conflict1");
    expect(loserName("a.txt", new Set(["a.txt.conflict1"]))).toBe("a.txt.conflict2");
    expect(
      nativeConflicts(new Set(["old.conflict1"]), ["old.conflict1", "n/b.md.conflict1", "c"], "local"),
    ).toEqual([{ path: "n/b.md", loser: "n/b.md.conflict1", policy: "local", winner: "local" }]);
  });

  it.each([
    ["newer", "local"],
    ["local", "local"],
    ["remote", "remote"],
  ] as const)("rclone < 1.66 pairs under %s: the %s version keeps the name", async (policy, winner) => {
    const dir = await mkdtemp(join(tmpdir(), "wsync-conf-"));
    try {
      await writeFile(join(dir, "a.txt..path1"), "remote");
      await writeFile(join(dir, "a.txt..path2"), "local");
      await writeFile(join(dir, "a.txt.conflict1"), "an older loser");
      const past = new Date(Date.now() - 60_000);
      await utimes(join(dir, "a.txt..path1"), past, past);
      const resolved = await resolveLegacyConflicts(dir, policy);
      expect(resolved.conflicts).toEqual([{ path: "a.txt", loser: "a.txt.conflict2", winner, policy }]);
      expect(await filesIn(dir)).toEqual(["a.txt", "a.txt.conflict1", "a.txt.conflict2"]);
      expect(await readFile(join(dir, "a.txt"), "utf8")).toBe(winner);
      expect(await readFile(join(dir, "a.txt.conflict2"), "utf8")).toBe(
        winner === "local" ? "remote" : "local",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
