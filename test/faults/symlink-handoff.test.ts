/**
 * Symlinks at the handoff: a `_inbox` that is a symbolic link (to a folder outside the workspace) is
 * refused with the fix, the cycle lands in `failed` with a typed failure, nothing is delivered through the
 * link and the remote file stays in `_outbox`; with a real folder again, it arrives. Likewise a remote
 * `_outbox` that is a symbolic link on the `local` provider (the cloud is a folder here): the drain would
 * take, and then delete, the files of the folder it leads to; it is refused and that folder is untouched.
 */
import { mkdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, filesIn, type Sandbox } from "../support/sandbox.js";
import { lastState } from "./support.js";

let box: Sandbox;
beforeAll(async () => {
  box = await createSandbox();
});
afterAll(async () => {
  await box?.cleanup();
});

describe("a symlinked _inbox", () => {
  it("is refused with the fix; nothing is delivered outside the workspace", async () => {
    expect((await box.cli("sync")).code).toBe(0);
    const inbox = join(box.shared, "_inbox");
    const outside = join(box.root, "outside");
    await mkdir(outside);
    await rm(inbox, { recursive: true });
    await symlink(outside, inbox);
    const outbox = join(box.remoteDir, "_outbox");
    await writeFile(join(outbox, "letter.txt"), "for the agent\n");
    const refused = await box.cli("sync");
    expect(refused.code).not.toBe(0);
    expect(await lastState(box)).toBe("failed");
    const status = (await box.cli("status")).stdout;
    expect(status).toContain(`last error fatal: ${inbox} is a symbolic link`);
    expect(status).toContain(`rm ${inbox} && mkdir ${inbox}`);
    expect(await filesIn(outside)).toEqual([]);
    expect(await filesIn(outbox)).toEqual(["letter.txt"]);
    // The fix as said: a real folder, then the letter arrives.
    await rm(inbox);
    await mkdir(inbox);
    const fixed = await box.cli("sync");
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(await readFile(join(inbox, "letter.txt"), "utf8")).toBe("for the agent\n");
    expect(await filesIn(outside)).toEqual([]);
  });
});

describe("a symlinked _outbox on the local provider", () => {
  it("is refused with the fix; the folder it leads to is left as it was", async () => {
    const local = await createSandbox();
    try {
      expect((await local.cli("sync")).code).toBe(0);
      const outbox = join(local.remoteDir, "_outbox");
      const elsewhere = join(local.root, "documents");
      await mkdir(elsewhere);
      await writeFile(join(elsewhere, "precious.txt"), "not for the mailbox\n");
      await rm(outbox, { recursive: true });
      await symlink(elsewhere, outbox);
      const refused = await local.cli("sync");
      expect(refused.code).not.toBe(0);
      expect(await lastState(local)).toBe("failed");
      const status = (await local.cli("status")).stdout;
      expect(status).toContain(`last error fatal: ${outbox} is a symbolic link (to ${elsewhere})`);
      expect(status).toContain(`rm ${outbox} && mkdir ${outbox}`);
      expect(await filesIn(elsewhere)).toEqual(["precious.txt"]);
      expect(await filesIn(join(local.shared, "_inbox"))).toEqual([]);
      // The fix as said: a real folder, with what should arrive moved into it.
      await rm(outbox);
      await mkdir(outbox);
      await rename(join(elsewhere, "precious.txt"), join(outbox, "precious.txt"));
      const fixed = await local.cli("sync");
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(await readFile(join(local.shared, "_inbox", "precious.txt"), "utf8")).toBe(
        "not for the mailbox\n",
      );
      expect(await filesIn(outbox)).toEqual([]);
    } finally {
      await local.cleanup();
    }
  });
});
