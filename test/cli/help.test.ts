/** `<command> <sub> --help` prints that subcommand's own usage and flags, run through the built CLI. */
import { describe, expect, it } from "vitest";
import { cliPath, runCaptured, testEnv } from "../support/sandbox.js";

const help = (...argv: string[]) => runCaptured(process.execPath, [cliPath, ...argv], testEnv());

describe("--help on a subcommand", () => {
  it("backup restore --help shows restore's flags, not backup's list of subcommands", async () => {
    const { code, stdout } = await help("backup", "restore", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("USAGE workspace-sync backup restore");
    expect(stdout).toContain("--snapshot=<ID>");
    expect(stdout).toContain("--to=<DIR>");
    expect(stdout).not.toContain("COMMANDS");
  });

  it("backup ls --help shows its arguments; flags before the words do not matter", async () => {
    for (const argv of [
      ["backup", "ls", "--help"],
      ["--state-dir", "/nowhere", "backup", "ls", "-h"],
    ]) {
      const { code, stdout } = await help(...argv);
      expect(code).toBe(0);
      expect(stdout).toContain("USAGE workspace-sync backup ls [OPTIONS] [SNAPSHOT] [GLOB]");
      expect(stdout).not.toContain("COMMANDS");
    }
  });

  it("sync --help shows sync's flags", async () => {
    const { code, stdout } = await help("sync", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("USAGE workspace-sync sync [OPTIONS]");
    for (const flag of ["--dry-run", "--direction=<push|pull>", "--force", "--resync", "--json"]) {
      expect(stdout).toContain(flag);
    }
  });

  it("backup --help still lists backup's subcommands", async () => {
    const { code, stdout } = await help("backup", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("USAGE workspace-sync backup now|list|ls|diff|verify|restore|forget|status");
  });
});
