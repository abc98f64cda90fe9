/**
 * The capability table, read from recorded `rclone version` outputs (1.60.1 captured on this machine's
 * Debian build; the newer ones in the same format), and the bisync command line each version gets.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BisyncSettings, bisyncArgs } from "../../src/modes/bisync/args.js";
import { parseRcloneVersion } from "../../src/rclone/binary.js";
import { capabilitiesOf } from "../../src/rclone/capabilities.js";

const fixtures = join(import.meta.dirname, "fixtures", "versions");
const versionOf = async (name: string) =>
  parseRcloneVersion(await readFile(join(fixtures, `rclone-v${name}.txt`), "utf8"));

const settings: BisyncSettings = {
  remoteRoot: "cloud:openclaw-share",
  localDir: "/ws/shared",
  workdir: "/state/workspaces/ws-1/bisync",
  maxDelete: 50,
  conflictResolve: "newer",
};
const plain = { dryRun: false, force: false, resync: false };
const gated = [
  "--resilient",
  "--recover",
  "--max-lock",
  "--conflict-resolve",
  "--conflict-loser",
  "--conflict-suffix",
];

describe("rclone capabilities by version", () => {
  it("has a recorded version output for each row of the table", async () => {
    expect((await readdir(fixtures)).sort()).toEqual([
      "rclone-v1.60.1.txt",
      "rclone-v1.64.2.txt",
      "rclone-v1.66.0.txt",
      "rclone-v1.69.1.txt",
      "rclone-v1.75.0.txt",
    ]);
  });

  it("1.60.1 (Debian) gets none of the newer bisync flags", async () => {
    const caps = capabilitiesOf(await versionOf("1.60.1"));
    expect(caps).toMatchObject({
      version: "1.60.1",
      bisyncResilient: false,
      bisyncJsonLock: false,
      bisyncResyncExitCode: 2,
    });
    const args = bisyncArgs(settings, caps, plain);
    for (const flag of gated) expect(args).not.toContain(flag);
    expect(args.slice(0, 3)).toEqual(["bisync", "cloud:openclaw-share", "/ws/shared"]);
    expect(args).toEqual(expect.arrayContaining(["--workdir", settings.workdir, "--max-delete", "50"]));
  });

  it("1.64 adds --resilient only", async () => {
    const args = bisyncArgs(settings, capabilitiesOf(await versionOf("1.64.2")), plain);
    expect(args).toContain("--resilient");
    for (const flag of gated.slice(1)) expect(args).not.toContain(flag);
  });

  it.each(["1.66.0", "1.69.1", "1.75.0"])(
    "%s gets --recover, --max-lock 15m and the native conflict flags",
    async (v) => {
      const caps = capabilitiesOf(await versionOf(v));
      expect(caps.bisyncJsonLock).toBe(true);
      const args = bisyncArgs(settings, caps, plain);
      expect(args).toEqual(expect.arrayContaining(["--resilient", "--recover"]));
      expect(args.join(" ")).toContain("--max-lock 15m");
      expect(args.join(" ")).toContain(
        "--conflict-resolve newer --conflict-loser num --conflict-suffix conflict",
      );
    },
  );

  it("maps the policy to rclone's sides: local = path2, remote = path1", async () => {
    const caps = capabilitiesOf(await versionOf("1.75.0"));
    expect(bisyncArgs({ ...settings, conflictResolve: "local" }, caps, plain).join(" ")).toContain(
      "--conflict-resolve path2",
    );
    expect(bisyncArgs({ ...settings, conflictResolve: "remote" }, caps, plain).join(" ")).toContain(
      "--conflict-resolve path1",
    );
  });

  it("1.69 changed the resync exit code", async () => {
    expect(capabilitiesOf(await versionOf("1.66.0")).bisyncResyncExitCode).toBe(2);
    expect(capabilitiesOf(await versionOf("1.69.1")).bisyncResyncExitCode).toBe(7);
  });

  it("an unknown, unreadable or older version gets the 1.60 baseline", () => {
    for (const v of [null, undefined, "not a version", "rclone v1.58.0"]) {
      const caps = capabilitiesOf(v);
      expect(caps.bisyncResilient).toBe(false);
      expect(caps.bisyncResyncExitCode).toBe(2);
    }
  });

  it("passes --resync, --force and --dry-run only when asked", () => {
    const caps = capabilitiesOf(null);
    expect(bisyncArgs(settings, caps, plain)).not.toEqual(expect.arrayContaining(["--resync"]));
    const all = bisyncArgs(settings, caps, { dryRun: true, force: true, resync: true });
    expect(all.slice(-3)).toEqual(["--resync", "--force", "--dry-run"]);
  });
});
