/**
 * Names that once jammed the mailbox for good (every later drain retried the staged file first and failed
 * on it): a name that is not valid UTF-8, a 255-byte name arriving a second time (too long once numbered),
 * a folder arriving where `_inbox` has a file of that name, and the reverse. Each time a later arrival is
 * still delivered, the odd one arrives under a safe name (said in the arrival report) that keeps its
 * extension, and nothing stays in `_outbox` or staging.
 */

import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";
import { unmount } from "./support.js";

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.info("jamming-names: not root, the quarantine case (a read-only bind mount) is skipped");

let box: Sandbox;
let outbox: string;
let inbox: string;
beforeAll(async () => {
  box = await createSandbox();
  expect((await box.cli("sync")).code).toBe(0);
  outbox = join(box.remoteDir, "_outbox");
  inbox = join(box.shared, "_inbox");
});
afterAll(async () => {
  await box?.cleanup();
});

interface Drained {
  code: number;
  stdout: string;
  stderr: string;
  drain: { arrivals: string[]; renamed: { from: string; to: string; why?: string }[] };
}

async function syncJson(): Promise<Drained> {
  const result = await box.cli("sync", "--json");
  const parsed: { cycle: { drain: Drained["drain"] } } = JSON.parse(result.stdout);
  return { ...result, drain: parsed.cycle.drain };
}

/** After the odd arrival: the next drain delivers a new file, and nothing is left behind. */
async function laterArrivalsStillDelivered(name: string): Promise<void> {
  await writeFile(join(outbox, name), `${name}\n`);
  const result = await box.cli("sync");
  expect(result.code, result.stderr).toBe(0);
  expect(await readFile(join(inbox, name), "utf8")).toBe(`${name}\n`);
  expect(await filesIn(outbox)).toEqual([]);
  expect(await filesIn(join(box.workspace, ".workspace-sync", "incoming"))).toEqual([]);
}

describe("names that cannot be written as they are never jam the mailbox", () => {
  it("a name that is not valid UTF-8 arrives under a safe name keeping its extension", async () => {
    const raw = Buffer.concat([
      Buffer.from(`${outbox}/bad-`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(".txt"),
    ]);
    await writeFile(raw, "not utf-8\n");
    await writeFile(join(outbox, "beside.txt"), "beside\n");
    const human = await box.cli("sync");
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("cannot be written as it is: kept as bad-__.txt");
    expect(await readdir(inbox)).toEqual(expect.arrayContaining(["bad-__.txt", "beside.txt"]));
    expect(await readFile(join(inbox, "bad-__.txt"), "utf8")).toBe("not utf-8\n");
    // The same bytes again: the safe name is taken, so it is numbered.
    await writeFile(raw, "again\n");
    const again = await syncJson();
    expect(again.drain.renamed).toEqual([
      { from: "bad-\ufffd\ufffd.txt", to: "bad-__ (1).txt", why: "unsafe-name" },
    ]);
    expect(await readFile(join(inbox, "bad-__ (1).txt"), "utf8")).toBe("again\n");
    await laterArrivalsStillDelivered("later-1.txt");
  });

  it("a 255-byte name arriving a second time is cut to fit once numbered, extension kept", async () => {
    const name = `${"n".repeat(251)}.txt`;
    expect(Buffer.byteLength(name)).toBe(255);
    await writeFile(join(outbox, name), "first\n");
    expect((await box.cli("sync")).code).toBe(0);
    await writeFile(join(outbox, name), "second\n");
    const second = await syncJson();
    expect(second.code, second.stderr).toBe(0);
    const to = `${"n".repeat(247)} (1).txt`;
    expect(Buffer.byteLength(to)).toBe(255);
    expect(second.drain.renamed).toEqual([{ from: name, to, why: "unsafe-name" }]);
    expect(await readFile(join(inbox, name), "utf8")).toBe("first\n");
    expect(await readFile(join(inbox, to), "utf8")).toBe("second\n");
    await laterArrivalsStillDelivered("later-2.txt");
  });

  it("a folder arriving where _inbox has a file of that name goes beside it", async () => {
    await writeFile(join(inbox, "thing"), "the agent's file\n");
    await mkdir(join(outbox, "thing"), { recursive: true });
    await writeFile(join(outbox, "thing", "inside.md"), "inside\n");
    const result = await syncJson();
    expect(result.code, result.stderr).toBe(0);
    expect(result.drain.arrivals).toEqual(["thing (1)/inside.md"]);
    expect(await readFile(join(inbox, "thing"), "utf8")).toBe("the agent's file\n");
    expect(await readFile(join(inbox, "thing (1)", "inside.md"), "utf8")).toBe("inside\n");
    await laterArrivalsStillDelivered("later-3.txt");
  });

  it("a file arriving where _inbox has a folder of that name goes beside it, extension kept", async () => {
    await mkdir(join(inbox, "photo.jpg", "kept"), { recursive: true });
    await writeFile(join(outbox, "photo.jpg"), "jpeg\n");
    const result = await syncJson();
    expect(result.code, result.stderr).toBe(0);
    expect(result.drain.renamed).toEqual([{ from: "photo.jpg", to: "photo (1).jpg", why: "taken" }]);
    expect(await readFile(join(inbox, "photo (1).jpg"), "utf8")).toBe("jpeg\n");
    await laterArrivalsStillDelivered("later-4.txt");
  });
});

describe("an arrival that cannot be delivered under any name", () => {
  it.skipIf(!isRoot)(
    "is quarantined, said in the report, status and log; the rest of the drain goes on",
    async () => {
      // A read-only folder inside `_inbox` (a bind mount): nothing can be written into it, the rest of `_inbox` is fine.
      const locked = join(inbox, "locked");
      await mkdir(locked);
      await run("mount", ["--bind", locked, locked]);
      try {
        await run("mount", ["-o", "remount,bind,ro", locked]);
        await mkdir(join(outbox, "locked"));
        await writeFile(join(outbox, "locked", "x.txt"), "for a read-only folder\n");
        await writeFile(join(outbox, "fine.txt"), "fine\n");
        const result = await box.cli("sync");
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toMatch(
          /quarantined locked\/x\.txt -> \.workspace-sync\/quarantine\/\S+ locked_x\.txt: /,
        );
        expect(await readFile(join(inbox, "fine.txt"), "utf8")).toBe("fine\n");
        const held = await readdir(join(box.workspace, ".workspace-sync", "quarantine"));
        expect(held).toHaveLength(1);
        expect(held[0]).toMatch(/ locked_x\.txt$/);
        expect(
          await readFile(join(box.workspace, ".workspace-sync", "quarantine", held[0] ?? ""), "utf8"),
        ).toBe("for a read-only folder\n");
        expect((await box.cli("status")).stdout).toMatch(
          /quarantine +1 file in .*\.workspace-sync\/quarantine/,
        );
        expect((await box.cli("log")).stdout).toContain("1 quarantined in .workspace-sync/quarantine");
        await laterArrivalsStillDelivered("later-5.txt");
        // Still listed by status after later cycles: it waits there for a person.
        expect((await box.cli("status")).stdout).toMatch(/quarantine +1 file in /);
      } finally {
        await unmount(locked);
      }
    },
  );
});
