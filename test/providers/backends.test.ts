/**
 * `custom.rcloneType` against the backends the installed rclone knows (`rclone config providers`): every name
 * it accepts passes (the longer ones with spaces too), an unknown one is refused with "did you mean", the
 * allowed names and the fix; the list is kept per binary and asked again when the binary changes.
 */
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rcloneBackends } from "../../src/rclone/backends.js";
import { findRclone } from "../../src/rclone/binary.js";
import {
  cliPath,
  createSandbox,
  pathExists,
  runCaptured,
  type Sandbox,
  testEnv,
} from "../support/sandbox.js";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is removed
  return text.replace(/\u001b\[[0-9;]*m/g, "").replaceAll("`", "");
}

async function useCustom(rcloneType: string): Promise<void> {
  const config = {
    mode: "mailbox",
    provider: "custom",
    remotePath: "agent",
    custom: { rcloneType, rcloneOptions: { remote: join(box.root, "elsewhere") } },
  };
  await writeFile(box.configPath, JSON.stringify(config));
}

describe("rclone's backend list", () => {
  it("holds the short names and the longer ones rclone also accepts", async () => {
    const binary = await findRclone();
    const listed = await rcloneBackends(binary, { cacheFile: join(box.root, "cache.json") });
    expect(listed?.backends.names).toEqual(expect.arrayContaining(["sftp", "gcs", "google cloud storage"]));
    expect(listed?.backends.prefixes).toContain("gcs");
    expect(listed?.backends.prefixes).not.toContain("google cloud storage");
  });

  it("is kept per binary: asked once, asked again when the binary changes", async () => {
    const real = await findRclone();
    const counter = join(box.root, "calls");
    const wrapper = join(box.root, "rclone");
    const script = (tag: string) => `#!/bin/sh\n# ${tag}\necho x >> ${counter}\nexec ${real} "$@"\n`;
    await writeFile(wrapper, script("one"));
    await chmod(wrapper, 0o755);
    const cacheFile = join(box.root, "cache.json");
    const calls = async () => (await readFile(counter, "utf8").catch(() => "")).split("\n").length - 1;

    const first = await rcloneBackends(wrapper, { cacheFile });
    expect(await pathExists(cacheFile)).toBe(false); // nothing written until the caller keeps it
    await first?.keep();
    expect(await calls()).toBe(1);
    const second = await rcloneBackends(wrapper, { cacheFile });
    expect(second?.backends).toEqual(first?.backends);
    expect(await calls()).toBe(1);

    await writeFile(wrapper, script("another build"));
    await rcloneBackends(wrapper, { cacheFile });
    expect(await calls()).toBe(2);
  });
});

describe("custom.rcloneType through the CLI", () => {
  it("a typo is refused with did-you-mean, the allowed names and the fix; nothing is synced", async () => {
    await useCustom("sftpp");
    await writeFile(join(box.shared, "a.txt"), "a");
    for (const argv of [["status", "--offline"], ["sync"]]) {
      const result = await box.cli(...argv);
      expect(result.code, result.stderr).toBe(2);
      // The key as printed, with or without its backquotes (a terminal shows them as emphasis).
      const text = plain(result.stdout + result.stderr);
      expect(text).toContain('custom.rcloneType "sftpp" is not a backend');
      expect(text).toContain('did you mean "sftp"?');
      expect(text).toMatch(/set custom\.rcloneType to one of: .*\bsftp\b.*\bwebdav\b/);
    }
    expect(await pathExists(join(box.stateDir, "rclone.conf"))).toBe(false);
    expect(await pathExists(join(box.root, "elsewhere"))).toBe(false);
  });

  it("the wizard refuses a typo before writing anything", async () => {
    const target = join(box.root, "oc", "openclaw.json");
    const argv = ["setup", "--provider", "custom", "--mode", "mailbox", "--custom-type", "webdab"];
    const result = await runCaptured(
      process.execPath,
      [
        cliPath,
        ...argv,
        ...["--custom-options", "url=http://127.0.0.1:9", "--config", target],
        ...["--workspace", box.workspace, "--state-dir", box.stateDir],
      ],
      testEnv(),
    );
    expect(result.code).toBe(2);
    expect(plain(result.stderr)).toContain('custom.rcloneType "webdab" is not a backend');
    expect(result.stderr).toContain('did you mean "webdav"?');
    expect(await pathExists(target)).toBe(false);
    expect(await pathExists(box.stateDir)).toBe(false);
  });

  it('every name rclone knows is accepted, "google cloud storage" and "alias" included', async () => {
    await useCustom("google cloud storage");
    const gcs = await box.cli("status", "--offline");
    expect(gcs.stdout + gcs.stderr).toContain("remote configured");
    expect(gcs.stdout + gcs.stderr).not.toContain("is not a backend");
    expect(await readFile(join(box.stateDir, "rclone.conf"), "utf8")).toContain(
      "type = google cloud storage",
    );

    // A working one end to end: `alias` to a folder, synced.
    await useCustom("alias");
    await writeFile(join(box.shared, "a.txt"), "a");
    const sync = await box.cli("sync");
    expect(sync.code, sync.stderr).toBe(0);
    expect(await readFile(join(box.root, "elsewhere", "agent", "a.txt"), "utf8")).toBe("a");
    expect(await pathExists(join(box.stateDir, "rclone-backends.json"))).toBe(true);
  });
});
