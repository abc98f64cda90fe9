/** Every mode's scenarios against a `local` remote (see mode-tests.ts), plus the CLI's mode-specific refusals. */
import { describe, expect, it } from "vitest";
import { filesIn, useRemote } from "./mode-scenarios.js";
import { defineModeTests } from "./mode-tests.js";

defineModeTests("local");

describe("sync flags across modes", () => {
  const world = useRemote("local");

  it("--resync is refused outside bisync, and with --direction, with the reason and nothing run", async () => {
    const w = await world();
    for (const mode of ["mailbox", "mirror"]) {
      await w.reconfigure({ mode });
      const result = await w.sb.cli("sync", "--resync");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--resync only applies to mode "bisync" (this workspace uses mode "${mode}"`,
      );
    }
    await w.reconfigure({ mode: "bisync" });
    const mixed = await w.sb.cli("sync", "--resync", "--direction", "push");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--resync cannot be combined with --direction");
    expect(await filesIn(w.sb.stateDir)).toEqual([]);
  });

  it("--direction push|pull is a one-shot one-way sync in mirror and bisync, behind the same guards", async () => {
    const w = await world();
    await w.reconfigure({ mode: "mirror" });
    await w.write("up.txt", "up");
    expect((await w.sb.cli("sync", "--direction", "push")).code).toBe(0);
    expect(await w.side.list()).toEqual(["up.txt"]);

    await w.reconfigure({ mode: "bisync" });
    await w.side.put("down.txt", "down");
    // No listings yet, and still a one-way pull runs: it needs none. Bisync itself still waits for --resync.
    expect((await w.sb.cli("sync", "--direction", "pull")).code).toBe(0);
    expect(await filesIn(w.sb.shared)).toEqual(["down.txt", "up.txt"]);
    expect((await w.json("status")).out).toMatchObject({ state: "idle" });
    await w.side.remove("down.txt");
    await w.side.remove("up.txt");
    const halted = await w.sb.cli("sync", "--direction", "pull");
    expect(halted.code).toBe(1);
    expect(halted.stderr).toContain("emptySource");
    expect(await filesIn(w.sb.shared)).toEqual(["down.txt", "up.txt"]);
  });
});
