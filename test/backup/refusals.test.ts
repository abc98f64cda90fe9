/** `backup now` that could not seal its snapshot is refused before anything is made or written (exit 2). */
import { readdir } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";

const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.cleanup();
});

describe("backup now refusals", () => {
  it("encrypt with no passphrase and no recipients: exit 2, the keys named, nothing written", async () => {
    const box = await createSandbox({ backup: { enabled: true, encrypt: true } });
    boxes.push(box);
    const before = (await readdir(box.root)).sort();
    const result = await box.cli("backup", "now");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("backup.passphrase");
    expect(result.stderr).toContain("backup.recipients");
    expect(result.stderr).toContain("backups are disabled");
    expect((await readdir(box.root)).sort()).toEqual(before);
  });
});
