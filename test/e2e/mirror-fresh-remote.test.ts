/**
 * A mirror on a fresh remote (its folder not made yet), through the real CLI on the local provider. The
 * first dry run (the setup wizard's closing one, on the folder it just made) says plainly there is nothing
 * to pull and exits 0. Over local files the dry run says a real sync would halt (and records no halt),
 * the real sync halts: a missing source never wipes the local folder.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cliPath,
  createSandbox,
  filesIn,
  pathExists,
  runCaptured,
  type Sandbox,
  testEnv,
} from "../support/sandbox.js";

const nothingToPull = "the remote folder cloud:openclaw-share does not exist yet: nothing to pull";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox({ mode: "mirror" });
});
afterEach(async () => {
  await box.cleanup();
});

describe("a mirror whose remote folder does not exist yet", () => {
  it("over an empty local folder, a dry run and then a sync say there is nothing to pull and exit 0", async () => {
    for (const argv of [["sync", "--dry-run"], ["sync"]]) {
      const result = await box.cli(...argv);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(nothingToPull);
      expect(result.stdout + result.stderr).not.toMatch(/not-found|directory not found/);
    }
    expect(await pathExists(box.remoteDir)).toBe(false);
    expect(await filesIn(box.shared)).toEqual([]);
  });

  it("over local files, the dry run says a real sync would halt; the sync halts; nothing is deleted", async () => {
    await mkdir(join(box.shared, "sub"), { recursive: true });
    await writeFile(join(box.shared, "keep.txt"), "mine");
    await writeFile(join(box.shared, "sub", "also.txt"), "mine too");
    const dry = await box.cli("sync", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `${nothingToPull}; a real sync halts (emptySource) and deletes none of the 2 files in ${box.shared}`,
    );
    expect(dry.stdout).not.toMatch(/would delete/);
    // The dry run records no halt: status does not say halted.
    expect((await box.cli("status", "--json")).stdout).not.toMatch(/"state": *"halted"/);
    const real = await box.cli("sync");
    expect(real.code).toBe(1);
    expect(real.stderr).toContain("sync halted, nothing was deleted: emptySource");
    expect(real.stderr).toContain("is missing while the destination holds 2 files");
    expect(await filesIn(box.shared)).toEqual(["keep.txt", "sub/also.txt"]);
  });

  it("the setup wizard's closing dry run on a fresh mirror says so and succeeds", async () => {
    const target = join(box.root, "oc", "openclaw.json");
    const argv = ["setup", "--provider", "local", "--mode", "mirror", "--local-dir", box.cloud, "--yes"];
    const paths = ["--config", target, "--workspace", box.workspace, "--state-dir", box.stateDir];
    const result = await runCaptured(process.execPath, [cliPath, ...argv, ...paths], testEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("dry run (nothing changed)");
    expect(result.stdout).toContain(nothingToPull);
    expect(await pathExists(box.remoteDir)).toBe(false);
  });
});
