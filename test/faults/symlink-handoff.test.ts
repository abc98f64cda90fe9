/**
 * Symlinks at the handoff: a `_inbox` that is a symbolic link (to a folder outside the workspace) is
 * refused with the fix, the cycle lands in `failed` with a typed failure, nothing is delivered through the
 * link and the remote file stays in `_outbox`; with a real folder again, it arrives.
 */
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
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
