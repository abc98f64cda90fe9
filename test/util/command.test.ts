import { describe, expect, it } from "vitest";
import { forceHint } from "../../src/effects/guards/judge.js";
import { firstRunFailure } from "../../src/modes/bisync/failures.js";
import { commandName, runnable } from "../../src/util/command.js";

describe("hints name the command as the person runs it where they are", () => {
  it("workspace-sync standalone; openclaw workspace-sync inside OpenClaw", () => {
    expect(commandName({})).toBe("workspace-sync");
    expect(runnable("sync --force", {})).toBe("workspace-sync sync --force");
    const inside = { WORKSPACE_SYNC_COMMAND: "openclaw workspace-sync" };
    expect(runnable("authorize --provider gdrive", inside)).toBe(
      "openclaw workspace-sync authorize --provider gdrive",
    );
  });

  it("the deletion guard's and bisync's hints follow the process's command", () => {
    const before = process.env.WORKSPACE_SYNC_COMMAND;
    try {
      delete process.env.WORKSPACE_SYNC_COMMAND;
      expect(forceHint()).toContain("run `workspace-sync sync --force`");
      process.env.WORKSPACE_SYNC_COMMAND = "openclaw workspace-sync";
      expect(forceHint()).toContain("run `openclaw workspace-sync sync --force`");
      expect(firstRunFailure().hint).toContain("`openclaw workspace-sync sync --resync`");
    } finally {
      if (before === undefined) delete process.env.WORKSPACE_SYNC_COMMAND;
      else process.env.WORKSPACE_SYNC_COMMAND = before;
    }
  });
});
