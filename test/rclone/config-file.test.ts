import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  parseRcloneConfig,
  RcloneConfigValueError,
  readRcloneConfig,
  renderRcloneConfig,
  writeRcloneConfig,
} from "../../src/rclone/config-file.js";
import { cleanEnv } from "../../src/rclone/env.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ws-rclone-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rcloneDump(file: string): Promise<unknown> {
  const result = await execa("rclone", ["config", "dump", "--config", file], {
    extendEnv: false,
    env: cleanEnv(process.env),
  });
  return JSON.parse(result.stdout);
}

describe("writeRcloneConfig", () => {
  it("writes mode 0600 and round-trips through the real `rclone config dump`", async () => {
    const file = path.join(dir, "rclone.conf");
    const remotes = {
      local1: { type: "local", copy_links: "false" },
      cloud: { type: "alias", remote: `${dir}/share with space` },
      tricky: {
        type: "alias",
        remote: " leading and trailing ",
        a: "x=y:z",
        b: "`backquoted`",
        c: '"""triple"""',
        d: "#not a comment ;",
        e: "",
      },
    };
    await writeRcloneConfig(file, remotes);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await rcloneDump(file)).toEqual(remotes);
    expect(await readRcloneConfig(file)).toEqual(remotes);
    expect(await readdir(dir)).toEqual(["rclone.conf"]);
  });

  it("replaces an existing file, keeping 0600 even if it was looser", async () => {
    const file = path.join(dir, "rclone.conf");
    await writeFile(file, "[old]\ntype = local\n", { mode: 0o644 });
    await writeRcloneConfig(file, { fresh: { type: "local" } });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readRcloneConfig(file)).toEqual({ fresh: { type: "local" } });
  });

  it.each([
    ["newline in a value", { r: { type: "local", pass: "a\nb" } }, "r", "pass"],
    ["CR in a value", { r: { type: "local", token: "a\rb" } }, "r", "token"],
    ["control character in a value", { r: { type: "local", x: "a\u0001b" } }, "r", "x"],
    ["bad key", { r: { "ty pe": "local" } }, "r", "ty pe"],
    ["key with =", { r: { "a=b": "1" } }, "r", "a=b"],
    ["[ in a name", { "r[1]": { type: "local" } }, "r[1]", undefined],
    ["newline in a name", { "r\n[x]": { type: "local" } }, "r\n[x]", undefined],
  ])("refuses %s, naming the remote and key", async (_label, remotes, remote, key) => {
    const file = path.join(dir, "rclone.conf");
    await writeRcloneConfig(file, { keep: { type: "local" } });
    const attempt = writeRcloneConfig(file, remotes as Record<string, Record<string, string>>);
    await expect(attempt).rejects.toBeInstanceOf(RcloneConfigValueError);
    await expect(attempt).rejects.toMatchObject({ remote, key });
    if (key !== undefined) await expect(attempt).rejects.toThrow(`${remote}.${key}`);
    expect(await readRcloneConfig(file)).toEqual({ keep: { type: "local" } });
    expect(await readdir(dir)).toEqual(["rclone.conf"]);
  });

  it("an interrupted write (leftover temp file) does not corrupt the target", async () => {
    const file = path.join(dir, "rclone.conf");
    await writeRcloneConfig(file, { good: { type: "local" } });
    // What a writer killed between write and rename leaves behind: a partial temp file.
    const leftover = path.join(dir, ".rclone.conf.99999.deadbeef0000.tmp");
    await writeFile(leftover, "[half\ntype = lo", { mode: 0o600 });
    expect(await rcloneDump(file)).toEqual({ good: { type: "local" } });
    // The next write is unaffected and leaves the stranger's temp file alone.
    await writeRcloneConfig(file, { next: { type: "alias", remote: "/x" } });
    expect(await rcloneDump(file)).toEqual({ next: { type: "alias", remote: "/x" } });
    expect((await readdir(dir)).sort()).toEqual([".rclone.conf.99999.deadbeef0000.tmp", "rclone.conf"]);
  });

  it("a write that fails at rename leaves the target intact and removes its temp file", async () => {
    const target = path.join(dir, "is-a-dir");
    await writeRcloneConfig(path.join(dir, "other.conf"), { a: { type: "local" } });
    // A non-empty folder where the file should go: the rename fails.
    await mkdir(path.join(target, "child"), { recursive: true });
    await expect(writeRcloneConfig(target, { a: { type: "local" } })).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["is-a-dir", "other.conf"]);
  });
});

describe("parseRcloneConfig", () => {
  it("reads rclone's own quoting and comments", () => {
    const text =
      '; comment\n[r]\ntype = alias\nremote = `a=b`\nq = """x"""\n# c\ncolon: v\n\n[s]\ntype=local\n';
    expect(parseRcloneConfig(text)).toEqual({
      r: { type: "alias", remote: "a=b", q: "x", colon: "v" },
      s: { type: "local" },
    });
  });
  it("refuses encrypted configs", () => {
    expect(() =>
      parseRcloneConfig("# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabc"),
    ).toThrow(/encrypted/);
  });
  it("renders sections separated by a blank line", () => {
    expect(renderRcloneConfig({ a: { type: "local" }, b: { type: "alias", remote: "/x" } })).toBe(
      "[a]\ntype = local\n\n[b]\ntype = alias\nremote = /x\n",
    );
  });
  it("writes a value with backquotes that rclone reads back", async () => {
    const file = path.join(dir, "q.conf");
    await writeRcloneConfig(file, { r: { type: "alias", remote: "a`b: c" } });
    expect(await readFile(file, "utf8")).toBe("[r]\ntype = alias\nremote = `a`b: c`\n");
    expect(await rcloneDump(file)).toEqual({ r: { type: "alias", remote: "a`b: c" } });
  });
});
