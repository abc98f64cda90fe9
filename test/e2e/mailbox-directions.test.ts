/**
 * `sync --direction pull` in mailbox mode: what the original plugin documents, a one-way sync remote -> local
 * for this run, behind the deletion guards, never touching `_inbox/`, `_outbox/` or `.workspace-sync/`, and it
 * says what it did. Through the real CLI and the real rclone, on a `local` remote.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.cleanup();
  box = null;
});

describe("mailbox: sync --direction pull", () => {
  it("makes the synced folder follow the remote, leaves _inbox and _outbox alone, and says so", async () => {
    box = await createSandbox();
    for (const name of ["a.txt", "b.txt", "c.txt"]) await writeFile(join(box.shared, name), name);
    expect((await box.cli("sync")).code).toBe(0);
    // The cloud side changes: a new file, an edit, a deletion; a person drops a file into _outbox.
    await writeFile(join(box.remoteDir, "new.txt"), "from the cloud");
    await writeFile(join(box.remoteDir, "a.txt"), "edited in the cloud");
    await writeFile(join(box.remoteDir, "_outbox", "dropped.txt"), "for the agent");
    await writeFile(join(box.shared, "_inbox", "earlier.txt"), "delivered before");
    await rm(join(box.remoteDir, "c.txt"));

    const dry = await box.cli("sync", "--direction", "pull", "--dry-run");
    expect(dry.code).toBe(0);
    // The headline says what kind of run it was, and which way.
    const said = dry.stdout;
    expect(said).toMatch(/dry run \(nothing changed\), one way remote -> local for this run only/);
    expect(said).toContain(`${box.shared} <- cloud:openclaw-share`);
    expect(dry.stdout).toContain("pull   2 would transfer");
    expect(dry.stdout).toContain("1 would be deleted");
    expect(dry.stdout).toContain("would delete c.txt");
    expect(await filesIn(box.shared)).toEqual(["_inbox/earlier.txt", "a.txt", "b.txt", "c.txt"]);

    const real = await box.cli("sync", "--direction", "pull");
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/synced, one way remote -> local for this run only/);
    expect(real.stdout).toContain("pull   2 transferred");
    expect(await filesIn(box.shared)).toEqual(["_inbox/earlier.txt", "a.txt", "b.txt", "new.txt"]);
    expect(await readFile(join(box.shared, "a.txt"), "utf8")).toBe("edited in the cloud");
    // No drain: the outbox file waits for the next whole cycle.
    expect(await filesIn(join(box.remoteDir, "_outbox"))).toEqual(["dropped.txt"]);

    const json = JSON.parse((await box.cli("status", "--json")).stdout);
    expect(json.lastCycle.direction).toBe("pull");
    expect(json.lastCycle.pull.stats.deletes).toBe(1);
    expect(json.lastCycle.drain).toBeNull();
    expect((await box.cli("log")).stdout).toContain("from cli, pull only");

    // The next whole cycle is the mailbox's own again: push and drain.
    expect((await box.cli("sync")).code).toBe(0);
    expect(await filesIn(join(box.shared, "_inbox"))).toEqual(["dropped.txt", "earlier.txt"]);
  });

  it("halts before deleting when the remote is empty or it would delete too much; --force goes through", async () => {
    box = await createSandbox();
    for (const name of ["a.txt", "b.txt", "c.txt", "d.txt"]) await writeFile(join(box.shared, name), name);
    expect((await box.cli("sync")).code).toBe(0);
    for (const name of ["a.txt", "b.txt", "c.txt"]) await rm(join(box.remoteDir, name));

    const halted = await box.cli("sync", "--direction", "pull");
    expect(halted.code).toBe(1);
    expect(halted.stderr).toContain("sync halted, nothing was deleted");
    expect(await filesIn(box.shared)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"]);

    const forced = await box.cli("sync", "--direction", "pull", "--force");
    expect(forced.code).toBe(0);
    expect(await filesIn(box.shared)).toEqual(["d.txt"]);
  });

  it("with the whole workspace synced, never touches .workspace-sync/", async () => {
    box = await createSandbox({ localPath: "" });
    await writeFile(join(box.workspace, "root.txt"), "r");
    expect((await box.cli("sync")).code).toBe(0);
    const toolFiles = (await filesIn(box.workspace)).filter((p) => p.startsWith(".workspace-sync/"));
    expect(toolFiles.length).toBeGreaterThan(0);
    await writeFile(join(box.remoteDir, "more.txt"), "m");

    const pulled = await box.cli("sync", "--direction", "pull");
    expect(pulled.code).toBe(0);
    const after = await filesIn(box.workspace);
    expect(after).toContain("more.txt");
    expect(after.filter((p) => p.startsWith(".workspace-sync/"))).toEqual(
      expect.arrayContaining(toolFiles.filter((p) => !p.endsWith(".lock"))),
    );
    expect((await filesIn(box.remoteDir)).filter((p) => p.startsWith(".workspace-sync"))).toEqual([]);
  });
});

describe.each(["mirror", "bisync"])("%s: sync --direction leaves the mailbox folders alone", (mode) => {
  it("a push never sends _inbox nor deletes the remote _outbox; a pull never deletes _inbox nor fetches _outbox", async () => {
    box = await createSandbox({ mode });
    await mkdir(join(box.shared, "_inbox"), { recursive: true });
    await writeFile(join(box.shared, "_inbox", "delivered.txt"), "mine");
    await writeFile(join(box.shared, "work.txt"), "w");
    await mkdir(join(box.remoteDir, "_outbox"), { recursive: true });
    await writeFile(join(box.remoteDir, "_outbox", "dropped.txt"), "for the agent");

    const pushed = await box.cli("sync", "--direction", "push");
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`${box.shared} -> cloud:openclaw-share`);
    expect(await filesIn(box.remoteDir)).toEqual(["_outbox/dropped.txt", "work.txt"]);

    await writeFile(join(box.remoteDir, "new.txt"), "n");
    const pulled = await box.cli("sync", "--direction", "pull");
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain(`${box.shared} <- cloud:openclaw-share`);
    expect(await filesIn(box.shared)).toEqual(["_inbox/delivered.txt", "new.txt", "work.txt"]);
  });
});
