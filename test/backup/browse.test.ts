/**
 * One file back, with the real CLI, rclone and age on a `local` remote: `backup ls` lists what a snapshot
 * holds (a glob narrows it); `backup restore --path` writes only the matching entries (one file, a glob, a
 * folder), refuses a non-empty target without --force and with it keeps what it replaces in
 * `<target>.replaced-<time>`; `backup diff` names what was added, removed and changed with sizes. Bad globs
 * and unknown snapshots are one clear line; a wrong identity or passphrase is one line and writes nothing.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, runCaptured } from "../support/sandbox.js";
import { ageKeypair, type BackupSandbox, backupSandbox, makeTree, passphrase } from "./helpers.js";

interface Entry {
  path: string;
  kind: string;
  size: number;
}

describe("one file back: ls, restore --path, diff", () => {
  let box: BackupSandbox;
  let keyDir: string;
  let otherKeyDir: string;
  let otherIdentity: string;
  let first: string;
  let second: string;

  async function snapshotNow(): Promise<string> {
    const made = await box.run("backup", "now", "--json");
    expect(made.code, made.stderr).toBe(0);
    return (JSON.parse(made.stdout) as { backup: { snapshot: { id: string } } }).backup.snapshot.id;
  }

  beforeAll(async () => {
    const keys = await ageKeypair();
    const other = await ageKeypair();
    keyDir = keys.dir;
    otherKeyDir = other.dir;
    otherIdentity = other.identityFile;
    box = await backupSandbox({ recipients: [keys.recipient], identityFile: keys.identityFile, retain: 5 });
    await makeTree(box.workspace);
    first = await snapshotNow();
    // The second snapshot: one file changed (same size), one added, one removed, one grown.
    await writeFile(join(box.workspace, "notes", "today.md"), "# TODAY\n\n- backups\n");
    await writeFile(join(box.workspace, "notes", "added.md"), "new\n");
    await rm(join(box.workspace, "secret.key"));
    await writeFile(join(box.workspace, "empty.txt"), "not empty any more\n");
    second = await snapshotNow();
  }, 120_000);
  afterAll(async () => {
    await box.cleanup();
    await rm(keyDir, { recursive: true, force: true });
    await rm(otherKeyDir, { recursive: true, force: true });
  });

  it("ls lists a snapshot's entries, and a glob narrows them", async () => {
    const all = await box.run("backup", "ls", first, "--json");
    expect(all.code, all.stderr).toBe(0);
    const listing = JSON.parse(all.stdout) as { id: string; entries: Entry[] };
    expect(listing.id).toBe(first);
    const paths = listing.entries.map((e) => e.path);
    expect(paths).toContain("workspace/notes/today.md");
    expect(paths).toContain("workspace/secret.key");
    expect(listing.entries.find((e) => e.path === "workspace/big.bin")?.size).toBe(3 * 1024 * 1024 + 17);

    // A lone argument that is not a snapshot id is the glob (against the latest snapshot).
    const md = await box.run("backup", "ls", "*.md", "--json");
    expect(md.code, md.stderr).toBe(0);
    const narrowed = JSON.parse(md.stdout) as { id: string; entries: Entry[] };
    expect(narrowed.id).toBe(second);
    expect(narrowed.entries.map((e) => e.path).sort()).toEqual([
      "workspace/notes/added.md",
      "workspace/notes/today.md",
    ]);

    const text = await box.run("backup", "ls", second, "workspace/notes/**");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/workspace\/notes\/deep\/er\/binary\.bin/);
    expect(text.stdout).not.toMatch(/big\.bin/);
  });

  it("restores one file: only that entry (and its folders) is written", async () => {
    const to = join(box.root, "one-file");
    const restored = await box.run(
      "backup",
      "restore",
      "--path",
      "workspace/notes/today.md",
      "--snapshot",
      first,
      "--to",
      to,
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect(await readFile(join(to, "workspace", "notes", "today.md"), "utf8")).toBe("# Today\n\n- backups\n");
    expect(await readdir(to, { recursive: true })).toEqual([
      "workspace",
      "workspace/notes",
      "workspace/notes/today.md",
    ]);
    expect((await readdir(box.root)).filter((n) => n.includes(".restoring-"))).toEqual([]);
  });

  it("restores what a glob matches, and a folder with its content", async () => {
    const to = join(box.root, "by-glob");
    const restored = await box.run("backup", "restore", "--path", "*.key", "--snapshot", first, "--to", to);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await readdir(to, { recursive: true })).toEqual(["workspace", "workspace/secret.key"]);
    const folder = join(box.root, "a-folder");
    const deep = await box.run("backup", "restore", "--path", "workspace/notes/deep", "--to", folder);
    expect(deep.code, deep.stderr).toBe(0);
    expect((await readdir(folder, { recursive: true })).sort()).toEqual([
      "workspace",
      "workspace/notes",
      "workspace/notes/deep",
      "workspace/notes/deep/er",
      "workspace/notes/deep/er/binary.bin",
    ]);
  });

  it("refuses a non-empty target without --force; with it keeps what it replaces in a sibling folder", async () => {
    const to = join(box.root, "occupied");
    await mkdir(join(to, "workspace", "notes"), { recursive: true });
    await writeFile(join(to, "workspace", "notes", "today.md"), "mine, edited since\n");
    await writeFile(join(to, "keep-me.txt"), "untouched\n");
    const args = ["backup", "restore", "--path", "workspace/notes/today.md", "--snapshot", first, "--to", to];
    const refused = await box.run(...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/exists and is not empty.*--force/);
    expect(await readFile(join(to, "workspace", "notes", "today.md"), "utf8")).toBe("mine, edited since\n");

    const forced = await box.run(...args, "--force", "--json");
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(to, "workspace", "notes", "today.md"), "utf8")).toBe("# Today\n\n- backups\n");
    expect(await readFile(join(to, "keep-me.txt"), "utf8")).toBe("untouched\n");
    const aside = (await readdir(box.root)).find((n) => n.startsWith("occupied.replaced-")) ?? "";
    expect(aside).not.toBe("");
    expect(JSON.parse(forced.stdout)).toMatchObject({
      replacedIn: join(box.root, aside),
      replaced: ["workspace/notes/today.md"],
      restored: 1,
    });
    expect(await readFile(join(box.root, aside, "workspace", "notes", "today.md"), "utf8")).toBe(
      "mine, edited since\n",
    );
    expect(await readdir(join(box.root, aside), { recursive: true })).toEqual([
      "workspace",
      "workspace/notes",
      "workspace/notes/today.md",
    ]);
  });

  it("diff names what was added, removed and changed, with sizes", async () => {
    const diff = await box.run("backup", "diff", first, second, "--json");
    expect(diff.code, diff.stderr).toBe(0);
    const result = JSON.parse(diff.stdout) as {
      added: Entry[];
      removed: Entry[];
      changed: { path: string; sizeBefore: number; sizeAfter: number; what: string[] }[];
    };
    expect(result.added).toEqual([{ path: "workspace/notes/added.md", kind: "file", size: 4 }]);
    expect(result.removed).toEqual([{ path: "workspace/secret.key", kind: "file", size: 17 }]);
    const changed = Object.fromEntries(result.changed.map((c) => [c.path, c]));
    // Same size, other content: found by the content's hash.
    expect(changed["workspace/notes/today.md"]).toMatchObject({
      sizeBefore: 19,
      sizeAfter: 19,
      what: ["content"],
    });
    expect(changed["workspace/empty.txt"]).toMatchObject({ sizeBefore: 0, sizeAfter: 19 });
    const text = await box.run("backup", "diff", first, second);
    expect(text.stdout).toMatch(/^\+ workspace\/notes\/added\.md {2}\(4 B\)$/m);
    expect(text.stdout).toMatch(/^- workspace\/secret\.key {2}\(17 B\)$/m);
    expect(text.stdout).toMatch(/^~ workspace\/empty\.txt {2}\(0 B → 19 B; content\)$/m);
  });

  it("bad globs and unknown snapshots are one clear line; nothing is written", async () => {
    const to = join(box.root, "never");
    for (const [glob, why] of [
      ["workspace/../etc/passwd", /`\.\.` segment/],
      ["", /it is empty/],
      ["workspace/[ab]", /brackets/],
    ] as const) {
      const bad = await box.run("backup", "restore", "--path", glob, "--to", to);
      expect(bad.code, glob).toBe(2);
      expect(bad.stderr).toMatch(why);
      expect(bad.stderr).toMatch(/--path/);
    }
    const none = await box.run("backup", "restore", "--path", "notes/today.md", "--to", to);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /no entry of snapshot .* matches --path "notes\/today\.md".*start with workspace\//,
    );
    const unknown = await box.run("backup", "ls", "20200101T000000Z-dead");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no snapshot "20200101T000000Z-dead"/);
    const diff = await box.run("backup", "diff", first, "19990101");
    expect(diff.code).toBe(1);
    expect(diff.stderr).toMatch(/no snapshot "19990101"/);
    await expect(readdir(to)).rejects.toThrow(/ENOENT/);
  });

  it("a wrong identity is one line, and nothing is written", async () => {
    const to = join(box.root, "nested", "wrong-identity");
    const wrong = await box.run(
      "backup",
      "restore",
      "--path",
      "*.md",
      "--identity",
      otherIdentity,
      "--to",
      to,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
    expect(wrong.stderr).toMatch(/cannot decrypt snapshot .*: the passphrase or identity does not open it/);
    await expect(readdir(join(box.root, "nested"))).rejects.toThrow(/ENOENT/);
  });
});

describe("a wrong passphrase", () => {
  let box: BackupSandbox;
  beforeAll(async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax people write
    box = await backupSandbox({ passphrase: "${BACKUP_PASSPHRASE}" });
    await writeFile(join(box.workspace, "a.txt"), "a\n");
    const made = await box.run("backup", "now");
    expect(made.code, made.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => box.cleanup());

  it("is one line for restore and restore --path; nothing is written", async () => {
    const env = { ...box.env, BACKUP_PASSPHRASE: `${passphrase} but wrong` };
    for (const extra of [[], ["--path", "workspace/a.txt"]]) {
      const to = join(box.root, "out", "target");
      const result = await runCaptured(
        process.execPath,
        [cliPath, "backup", "restore", ...extra, "--to", to, ...box.args],
        env,
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/the passphrase or identity does not open it/);
      expect(result.stderr).not.toContain(passphrase);
      await expect(readdir(join(box.root, "out"))).rejects.toThrow(/ENOENT/);
    }
  }, 60_000);
});
