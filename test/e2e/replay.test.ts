/**
 * The log is the source of truth: replaying it through the pure machine gives exactly the live
 * actor's state; and a segment that does not parse is set aside (kept) while the host carries on.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mailboxMachine } from "../../machines/mailbox.js";
import { parseConfig } from "../../src/config/load.js";
import { EventLog } from "../../src/log/event-log.js";
import { findRclone } from "../../src/rclone/binary.js";
import { replay } from "../../src/runtime/logged-actor.js";
import { startWorkspace } from "../../src/runtime/workspace/start.js";
import { createSandbox, filesIn, type Sandbox, testEnv } from "../support/sandbox.js";

let box: Sandbox;
beforeEach(async () => {
  box = await createSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

describe("replay", () => {
  it("rebuilds exactly the live state from the log, with no effect run", async () => {
    const { sync } = parseConfig(JSON.parse(await readFile(box.configPath, "utf8")), box.configPath);
    const handle = await startWorkspace({
      config: sync,
      stateDir: box.stateDir,
      workspace: box.workspace,
      env: testEnv(),
      rcloneBinary: await findRclone(),
    });
    await writeFile(join(box.shared, "a.txt"), "a");
    await handle.requestSync({ source: "cli" });
    await writeFile(join(box.remoteDir, "_outbox", "in.txt"), "in");
    // Three requests at once: one cycle, one coalesced follow-up.
    const results = await Promise.all([
      handle.requestSync({ source: "cli" }),
      handle.requestSync({ source: "timer" }),
      handle.requestSync({ source: "hook", dryRun: true }),
    ]);
    expect(results.map((r) => r.verdict)).toEqual(["done", "done", "done"]);
    await handle.stop();
    const live = handle.actor.snapshot;

    const log = await EventLog.open({ dir: handle.paths.logDir, readOnly: true });
    const records = await log.read();
    await log.close();
    const rebuilt = replay(mailboxMachine, null, records);
    expect(rebuilt.value).toEqual(live.value);
    expect(JSON.parse(JSON.stringify(rebuilt.context))).toEqual(JSON.parse(JSON.stringify(live.context)));
    expect(records.at(-1)?.event.type).toBe("hostStopped");
    // Replay ran nothing: the file that arrived once is still there exactly once.
    expect(await filesIn(join(box.shared, "_inbox"))).toEqual(["in.txt"]);
  });

  it("sets a corrupt segment aside, keeps it, warns, and syncs on from what is valid", async () => {
    await writeFile(join(box.shared, "a.txt"), "a");
    expect((await box.cli("sync")).code).toBe(0);
    const logDir = join(box.stateDir, "workspaces");
    const [workspaceDir] = await readdir(logDir);
    const segments = join(logDir, workspaceDir as string, "log");
    const [segment] = (await readdir(segments)).filter((f) => f.startsWith("seg-"));
    await writeFile(join(segments, segment as string), '{"records": [ {"seq": 1, "at": tru');

    // Readers only warn; they never move files.
    const status = JSON.parse((await box.cli("status", "--json")).stdout);
    expect(status.warnings.join(" ")).toContain(segment);
    expect((await readdir(segments)).some((f) => f.includes(".corrupt-"))).toBe(false);

    const result = await box.cli("sync");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(segment);
    const after = await readdir(segments);
    const aside = after.find((f) => f.startsWith(`${segment}.corrupt-`));
    expect(aside).toBeDefined();
    expect(await readFile(join(segments, aside as string), "utf8")).toBe(
      '{"records": [ {"seq": 1, "at": tru',
    );
    expect(JSON.parse((await box.cli("status", "--json")).stdout).state).toBe("idle");
    expect(await filesIn(box.remoteDir)).toContain("a.txt");
  });
});
