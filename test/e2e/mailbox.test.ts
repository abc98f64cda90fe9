/** A full mailbox cycle through the real CLI and the real rclone, on a `local` remote. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, filesIn, rcloneCheck, type Sandbox } from "../support/sandbox.js";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

const mailboxFilters = ["--exclude", "_inbox/**", "--exclude", "_outbox/**"];

describe("mailbox, end to end", () => {
  it("pushes the workspace, drains the outbox into the inbox, and shows it in status and log", async () => {
    await writeFile(join(box.shared, "notes.md"), "# notes\n");
    await mkdir(join(box.shared, "deep", "er"), { recursive: true });
    await writeFile(join(box.shared, "deep", "er", "data.csv"), "a,b\n1,2\n");

    const first = await box.cli("sync");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(await filesIn(box.remoteDir)).toEqual(["deep/er/data.csv", "notes.md"]);
    expect((await filesIn(join(box.shared, "_inbox"))).length).toBe(0);

    // A person drops files into the cloud outbox, subfolders too.
    await mkdir(join(box.remoteDir, "_outbox", "photos"), { recursive: true });
    await writeFile(join(box.remoteDir, "_outbox", "brief.txt"), "do this");
    await writeFile(join(box.remoteDir, "_outbox", "photos", "cat.jpg"), "meow");
    const second = await box.cli("sync", "--json");
    expect(second.code).toBe(0);
    const outcome = JSON.parse(second.stdout);
    expect(outcome.verdict).toBe("done");
    expect(outcome.cycle.drain.arrivals).toEqual(["brief.txt", "photos/cat.jpg"]);
    expect(await filesIn(join(box.shared, "_inbox"))).toEqual(["brief.txt", "photos/cat.jpg"]);
    expect(await filesIn(join(box.remoteDir, "_outbox"))).toEqual([]);
    // The inbox never goes up; the remote mirror of the workspace is exact.
    expect((await rcloneCheck(box.shared, box.remoteDir, mailboxFilters)).code).toBe(0);
    expect(await filesIn(box.remoteDir)).not.toContain("_inbox/brief.txt");

    const status = JSON.parse((await box.cli("status", "--json")).stdout);
    expect(status).toMatchObject({ state: "idle", mode: "mailbox", provider: "local", host: null });
    expect(status.totals).toMatchObject({ cycles: 2, failures: 0, arrivals: 2 });
    expect(status.lastCycle.drain.arrivals).toEqual(["brief.txt", "photos/cat.jpg"]);

    const log = JSON.parse((await box.cli("log", "--json")).stdout) as {
      seq: number;
      event: { type: string };
    }[];
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    const oneRun = [
      "hostStarted",
      "syncRequested",
      "lockAcquired",
      "bootstrapDone",
      "pushDone",
      "drainDone",
      "hostStopped",
    ];
    expect(log.map((r) => r.event.type)).toEqual([...oneRun, ...oneRun]);
    const human = await box.cli("log", "--limit", "3");
    expect(human.stdout.trim().split("\n")).toHaveLength(3);
    expect(human.stdout).toContain("drainDone");
  });

  it("never replaces a file in the inbox: a second arrival with a taken name gets a new name", async () => {
    await box.cli("sync");
    const outbox = join(box.remoteDir, "_outbox");
    await writeFile(join(outbox, "report.pdf"), "version one");
    expect((await box.cli("sync")).code).toBe(0);
    await writeFile(join(outbox, "report.pdf"), "version two");
    await writeFile(join(outbox, "archive.tar.gz"), "tgz");
    await writeFile(join(box.shared, "_inbox", "archive.tar.gz"), "the agent's own");
    const result = await box.cli("sync", "--json");
    const drain = JSON.parse(result.stdout).cycle.drain;
    expect(drain.renamed).toEqual([
      { from: "archive.tar.gz", to: "archive (1).tar.gz", why: "taken" },
      { from: "report.pdf", to: "report (1).pdf", why: "taken" },
    ]);
    const inbox = join(box.shared, "_inbox");
    expect(await readFile(join(inbox, "report.pdf"), "utf8")).toBe("version one");
    expect(await readFile(join(inbox, "report (1).pdf"), "utf8")).toBe("version two");
    expect(await readFile(join(inbox, "archive.tar.gz"), "utf8")).toBe("the agent's own");
    expect(await readFile(join(inbox, "archive (1).tar.gz"), "utf8")).toBe("tgz");
    // A third copy takes the next free name.
    await writeFile(join(outbox, "report.pdf"), "version three");
    await box.cli("sync");
    expect(await readFile(join(inbox, "report (2).pdf"), "utf8")).toBe("version three");
  });

  it("a dry run lists what would happen and changes nothing on either side", async () => {
    await writeFile(join(box.shared, "a.txt"), "a");
    await box.cli("sync");
    await writeFile(join(box.shared, "b.txt"), "b");
    await writeFile(join(box.remoteDir, "_outbox", "in.txt"), "in");
    const before = [await filesIn(box.shared), await filesIn(box.remoteDir)];
    const dry = await box.cli("sync", "--dry-run", "--json");
    expect(dry.code).toBe(0);
    const cycle = JSON.parse(dry.stdout).cycle;
    expect(cycle.request.dryRun).toBe(true);
    expect(cycle.push.changes).toEqual([expect.objectContaining({ path: "b.txt" })]);
    expect(cycle.drain.arrivals).toEqual(["in.txt"]);
    expect([await filesIn(box.shared), await filesIn(box.remoteDir)]).toEqual(before);
    const human = await box.cli("sync", "--dry-run");
    expect(human.stdout).toContain("b.txt");
    expect(human.stdout).toContain("would arrive");
  });

  it("a dry run before the first sync reports and creates nothing", async () => {
    await writeFile(join(box.shared, "first.txt"), "1");
    const dry = await box.cli("sync", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would copy first.txt");
    expect(dry.stdout).toContain("0 would arrive");
    expect(await filesIn(box.cloud)).toEqual([]);
    expect(await filesIn(box.shared)).toEqual(["first.txt"]);
  });

  it("--direction push only pushes (the outbox waits); a bad direction is refused", async () => {
    await box.cli("sync");
    await writeFile(join(box.shared, "up.txt"), "up");
    await writeFile(join(box.remoteDir, "_outbox", "down.txt"), "down");
    await box.cli("sync", "--direction", "push");
    expect(await filesIn(box.remoteDir)).toContain("up.txt");
    expect(await filesIn(box.remoteDir)).toContain("_outbox/down.txt");
    expect(await filesIn(join(box.shared, "_inbox"))).toEqual([]);
    // (--direction pull, a one-way sync remote -> local: mailbox-directions.test.ts)
    const bad = await box.cli("sync", "--direction", "sideways");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--direction must be push or pull");
  });

  it('localPath "" syncs the workspace root but never the tool\'s own folder', async () => {
    await box.cleanup();
    box = await createSandbox({ localPath: "" });
    await writeFile(join(box.workspace, "root.txt"), "r");
    expect((await box.cli("sync")).code).toBe(0);
    const remote = await filesIn(box.remoteDir);
    expect(remote).toContain("root.txt");
    expect(remote.filter((p) => p.startsWith(".workspace-sync"))).toEqual([]);
  });

  it("list shows the remote files", async () => {
    await writeFile(join(box.shared, "x.txt"), "xx");
    await box.cli("sync");
    expect((await box.cli("list")).stdout.trim().split("\n")).toEqual(["x.txt"]);
    const json = JSON.parse((await box.cli("list", "--json")).stdout);
    expect(json).toEqual([expect.objectContaining({ path: "x.txt", size: 2 })]);
    expect((await box.cli("list", "--long")).stdout).toMatch(
      /2 B {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ {2}x\.txt/,
    );
  });
});
