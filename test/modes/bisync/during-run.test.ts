/**
 * The repair of bisync's final listings after changes made during a run (rclone < 1.66), on listing files
 * written the way 1.60.1 writes them: a name the two final listings disagree on goes back to its start entry
 * on each side bisync listed again, or is dropped from both when they still disagree.
 */
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repairChangedDuringRun } from "../../../src/modes/bisync/during-run.js";

const session = "tmp_p1..tmp_p2";
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wsync-lst-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = (at: string) => `# bisync listing v1 from ${at}`;
const entry = (name: string, size: number, md5: string, time: string) =>
  `-  ${String(size).padStart(7)} md5:${md5} - 2026-12-02T07:06:${time}.168446061+0000 "${name}"`;

async function write(side: 1 | 2, start: string[], final: string[] | null): Promise<void> {
  const file = join(dir, `${session}.path${side}.lst`);
  const startText = `${[header("2026-12-02T07:06:20.0+0000"), ...start].join("\n")}\n`;
  await writeFile(`${file}-new`, startText);
  // Not listed again: bisync copies the start listing as the final one.
  await writeFile(
    file,
    final === null ? startText : `${[header("2026-12-02T07:06:25.0+0000"), ...final].join("\n")}\n`,
  );
}

const read = (side: 1 | 2) => readFile(join(dir, `${session}.path${side}.lst`), "utf8");

describe("repairChangedDuringRun", () => {
  it("puts back the start entry of a file edited on a side bisync listed again", async () => {
    const a = entry("a.txt", 2, "aa", "18");
    const notes = entry("notes.md", 7, "n0", "18");
    const big = entry("big.bin", 1024, "bb", "19");
    // path1 (the remote) got big.bin copied in and was listed again; notes.md was edited there meanwhile.
    await write(1, [a, notes], [a, entry("notes.md", 22, "n1", "23"), big]);
    await write(2, [a, notes, big], null);
    expect(await repairChangedDuringRun(dir, 0)).toEqual(["notes.md"]);
    const one = await read(1);
    expect(one).toContain(notes);
    expect(one).toContain(big);
    expect(one).not.toContain("n1");
    expect(await read(2)).toContain(notes);
  });

  it("drops a file made during the run from the side that listed it again; a name still on one side only from both", async () => {
    const a = entry("a.txt", 2, "aa", "18");
    const big = entry("big.bin", 1024, "bb", "19");
    await write(1, [a], [a, big, entry("created.md", 5, "cc", "24")]);
    await write(2, [a, big], null);
    expect(await repairChangedDuringRun(dir, 0)).toEqual(["created.md"]);
    expect(await read(1)).not.toContain("created.md");
    // A name on a side bisync did not list again, missing on the other after the repair: dropped from both.
    await write(1, [a, big], [a, big]);
    await write(2, [a, big, entry("local-only.md", 3, "ll", "21")], null);
    expect(await repairChangedDuringRun(dir, 0)).toEqual(["local-only.md"]);
    expect(await read(1)).not.toContain("local-only.md");
    expect(await read(2)).not.toContain("local-only.md");
  });

  it("changes nothing when the listings agree (times within 1 s), or when the start listings are from an earlier run", async () => {
    const a1 = entry("a.txt", 2, "aa", "18");
    const a2 = `-        2 - - 2026-12-02T07:06:18.900000000+0000 "a.txt"`;
    await write(1, [a1], [a1]);
    await write(2, [a2], null);
    const before = [await read(1), await read(2)];
    expect(await repairChangedDuringRun(dir, 0)).toEqual([]);
    expect([await read(1), await read(2)]).toEqual(before);

    await write(1, [a1], [entry("a.txt", 9, "zz", "30")]);
    const old = new Date(Date.now() - 60_000);
    for (const side of [1, 2]) await utimes(join(dir, `${session}.path${side}.lst-new`), old, old);
    expect(await repairChangedDuringRun(dir, Date.now())).toEqual([]);
  });
});
