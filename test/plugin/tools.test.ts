/**
 * The agent tools against a real host (the plugin's service, the real rclone, a `local` cloud), called as
 * OpenClaw calls them: a factory per run, `execute(toolCallId, params)`. The gateway test
 * (test/openclaw/tools.e2e.ts) has a model call them through the real OpenClaw.
 */
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentTool } from "../../src/plugin/api.js";
import plugin from "../../src/plugin/index.js";
import { toolNames } from "../../src/plugin/tools/names.js";
import { ageKeypair } from "../backup/helpers.js";
import { logRecords } from "../daemon/helpers.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeApi, fakeLogger, fakeRuntime } from "./fake-api.js";

const sandboxes: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of sandboxes.splice(0)) await s.cleanup();
});

async function started(config: Record<string, unknown> = {}, existing?: Sandbox) {
  const sandbox = existing ?? (await createSandbox());
  if (!existing) sandboxes.push(sandbox);
  const { runtime } = fakeRuntime({ main: sandbox.workspace });
  const logger = fakeLogger();
  const pluginConfig = {
    mode: "mailbox",
    provider: "local",
    local: { path: sandbox.cloud },
    outboxSettleSeconds: 0,
    // No watcher (`watch` is on by default): the cycles are the ones the tools ask for.
    watch: false,
    ...config,
  };
  const fake = fakeApi(pluginConfig, runtime, logger);
  plugin.register(fake.api);
  fake.seal();
  const ctx = { config: {}, workspaceDir: sandbox.workspace, stateDir: sandbox.root, logger };
  const service = fake.registered.services[0];
  if (!service) throw new Error("no service");
  await service.start(ctx);
  stops.push(async () => service.stop?.(ctx));
  const tool = (name: string): AgentTool => {
    const found = fake.registered.tools.find((t) => t.options.name === name);
    const made = found?.factory({ workspaceDir: sandbox.workspace, agentId: "main" });
    if (!made) throw new Error(`no tool ${name}`);
    return made;
  };
  const call = async (name: string, params: unknown) => (await tool(name).execute("call-1", params)).details;
  const stop = async () => service.stop?.(ctx);
  return { sandbox, fake, tool, call, stop, stateDir: join(sandbox.root, "workspace-sync") };
}

/** A backup, as `backup now` asks the running host for one; its id. */
async function backupNow(sandbox: Sandbox, call: (name: string, params: unknown) => Promise<unknown>) {
  const { callHost } = await import("../../src/ipc/client.js");
  const done = await callHost<{ verdict: string }>(join(sandbox.root, "workspace-sync"), {
    op: "send",
    unit: "backup",
    event: { type: "backupRequested", source: "cli" },
    wait: true,
  });
  expect(done?.result.verdict).toBe("done");
  const listed = (await call(toolNames.backup, { action: "list" })) as { snapshots: { id: string }[] };
  const id = listed.snapshots[0]?.id ?? "";
  expect(id).toMatch(/^\d{8}T\d{6}Z-/);
  return id;
}

describe("the agent tools", () => {
  it("registers the four tools, workspace_backup optional, with JSON Schema parameters", async () => {
    const { fake, tool } = await started();
    expect(fake.registered.tools.map((t) => t.options)).toEqual([
      { name: toolNames.status },
      { name: toolNames.syncNow },
      { name: toolNames.inbox },
      { name: toolNames.backup, optional: true },
    ]);
    expect(tool(toolNames.inbox).parameters).toMatchObject({
      type: "object",
      properties: { action: { enum: ["list", "peek", "move"] } },
      required: ["action"],
    });
  });

  it("status answers from the live actor fast; sync_now is a tool-sourced cycle in the log and says what moved", async () => {
    const { call, sandbox, stateDir } = await started();
    await writeFile(join(sandbox.shared, "notes.md"), "# notes\n");
    const t0 = performance.now();
    const before = await call(toolNames.status, {});
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(before).toMatchObject({ state: "idle", lastCycle: null, problems: [], served: true });

    const now = await call(toolNames.syncNow, { waitSeconds: 60 });
    expect(now).toMatchObject({ verdict: "done", state: "idle" });
    expect(JSON.stringify(now)).toContain("1 transferred");
    const records = await logRecords(stateDir, sandbox.workspace);
    expect(records.some((r) => r.event.type === "syncRequested" && r.event.source === "tool")).toBe(true);
    expect(await readFile(join(sandbox.remoteDir, "notes.md"), "utf8")).toBe("# notes\n");

    const after = await call(toolNames.status, {});
    expect(after).toMatchObject({ state: "idle", lastCycle: { sources: ["tool"] } });
    expect(String((after as { summary: string }).summary)).toContain("no failures");
  });

  it("refuses bad parameters by name, and nothing runs", async () => {
    const { tool } = await started();
    await expect(tool(toolNames.syncNow).execute("c", { waitSeconds: 9999 })).rejects.toThrow(
      /workspace_sync_now: bad parameters: `waitSeconds`/,
    );
    await expect(tool(toolNames.inbox).execute("c", { action: "delete" })).rejects.toThrow(/`action`/);
  });

  it("inbox: list, peek and move an arrival; escapes, symlinks and taken names are refused, nothing moved", async () => {
    const { call, tool, sandbox } = await started();
    const inbox = join(sandbox.shared, "_inbox");
    await mkdir(join(inbox, "sub"), { recursive: true });
    await writeFile(join(inbox, "report.txt"), "quarterly report\n");
    await writeFile(join(inbox, "sub", "deep.txt"), "deep\n");
    await symlink("/etc/passwd", join(inbox, "link.txt"));
    await mkdir(join(sandbox.workspace, "docs"));
    await writeFile(join(sandbox.workspace, "docs", "taken.txt"), "mine\n");
    await symlink("/tmp", join(sandbox.workspace, "escape"));

    const listed = await call(toolNames.inbox, { action: "list" });
    expect(listed).toMatchObject({
      inbox: "shared/_inbox",
      arrivals: [{ name: "report.txt", bytes: 17 }, { name: "sub/deep.txt" }],
      notFiles: ["link.txt"],
    });
    expect(await call(toolNames.inbox, { action: "peek", name: "report.txt", bytes: 9 })).toMatchObject({
      text: "quarterly",
      size: 17,
      binary: false,
    });

    const inboxTool = tool(toolNames.inbox);
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ action: "move", name: "../notes.md", to: "docs" }, /`name` must be a relative path/],
      [{ action: "move", name: "report.txt", to: "/tmp" }, /`to` must be a relative path/],
      [{ action: "move", name: "report.txt", to: "docs/../.." }, /without `\.\.`/],
      [{ action: "move", name: "report.txt", to: "escape" }, /`to` leads out of .* through a symlink/],
      [{ action: "move", name: "link.txt", to: "docs" }, /`name` leads out of .* through a symlink/],
      [
        { action: "move", name: "report.txt", to: "docs", newName: "taken.txt" },
        /docs\/taken.txt exists already/,
      ],
      [{ action: "move", name: "report.txt", to: "shared/_inbox/x" }, /outside _inbox/],
      [{ action: "move", name: "gone.txt", to: "docs" }, /there is no _inbox\/gone.txt/],
      [{ action: "move", name: "report.txt" }, /`to` is required/],
    ];
    for (const [params, message] of refusals)
      await expect(inboxTool.execute("c", params), JSON.stringify(params)).rejects.toThrow(message);
    expect((await readdir(inbox)).sort()).toEqual(["link.txt", "report.txt", "sub"]);
    expect(await readFile(join(sandbox.workspace, "docs", "taken.txt"), "utf8")).toBe("mine\n");

    expect(
      await call(toolNames.inbox, { action: "move", name: "report.txt", to: "docs/reports" }),
    ).toMatchObject({
      moved: { from: "_inbox/report.txt", to: "docs/reports/report.txt" },
    });
    expect(await readFile(join(sandbox.workspace, "docs", "reports", "report.txt"), "utf8")).toBe(
      "quarterly report\n",
    );
    expect((await readdir(inbox)).sort()).toEqual(["link.txt", "sub"]);
  });

  it("backup: list, ls with a glob (capped), diff of two snapshots, a glob restore into _restored/<id>/ landing only the matches", async () => {
    const { call, sandbox } = await started({ backup: { enabled: true, encrypt: false, interval: 0 } });
    const notes = join(sandbox.shared, "notes");
    await mkdir(join(sandbox.shared, "many"), { recursive: true });
    await mkdir(notes);
    await writeFile(join(sandbox.shared, "keep.md"), "keep me\n");
    await writeFile(join(notes, "a.md"), "alpha\n");
    await writeFile(join(notes, "b.md"), "bravo\n");
    await writeFile(join(notes, "c.txt"), "charlie\n");
    for (let i = 0; i < 103; i++) await writeFile(join(sandbox.shared, "many", `f${i}.txt`), `${i}\n`);
    expect(await call(toolNames.backup, { action: "list" })).toMatchObject({ snapshots: [] });
    const first = await backupNow(sandbox, call);
    await rm(join(notes, "a.md"));
    await writeFile(join(notes, "b.md"), "bravo, longer now\n");
    await writeFile(join(notes, "d.md"), "delta\n");
    const second = await backupNow(sandbox, call);
    expect(second).not.toBe(first);

    const listed = await call(toolNames.backup, {
      action: "ls",
      snapshot: first,
      path: "workspace/shared/notes/*.md",
    });
    expect(listed).toMatchObject({
      snapshot: first,
      entries: [
        { path: "workspace/shared/notes/a.md", kind: "file", bytes: 6 },
        { path: "workspace/shared/notes/b.md", kind: "file", bytes: 6 },
      ],
      more: 0,
    });
    const many = (await call(toolNames.backup, { action: "ls", path: "workspace/shared/many" })) as {
      summary: string;
      entries: unknown[];
      more: number;
    };
    expect(many.entries).toHaveLength(100);
    expect(many.more).toBe(4); // the folder and 103 files
    expect(many.summary).toContain("and 4 more");

    const diff = await call(toolNames.backup, {
      action: "diff",
      from: first,
      path: "workspace/shared/notes",
    });
    expect(diff).toMatchObject({
      from: first,
      to: second,
      added: [{ path: "workspace/shared/notes/d.md", bytes: 6 }],
      removed: [{ path: "workspace/shared/notes/a.md", bytes: 6 }],
      changed: [{ path: "workspace/shared/notes/b.md", bytesBefore: 6, bytesAfter: 18, what: ["content"] }],
      more: { added: 0, removed: 0, changed: 0 },
    });

    const restored = await call(toolNames.backup, {
      action: "restore",
      snapshot: first,
      path: "workspace/shared/notes/*.md",
    });
    expect(restored).toMatchObject({
      restoredTo: `_restored/${first}`,
      restored: 2,
      entries: ["workspace/shared/notes/a.md", "workspace/shared/notes/b.md"],
    });
    const out = join(sandbox.workspace, "_restored", first);
    expect(await readdir(join(out, "workspace", "shared", "notes"))).toEqual(["a.md", "b.md"]);
    expect(await readdir(join(out, "workspace", "shared"))).toEqual(["notes"]);
    expect(await readFile(join(out, "workspace", "shared", "notes", "a.md"), "utf8")).toBe("alpha\n");
    // A second restore from the same snapshot joins the folder, beside what is there.
    await call(toolNames.backup, { action: "restore", snapshot: first, path: "keep.md" });
    expect(await readFile(join(out, "workspace", "shared", "keep.md"), "utf8")).toBe("keep me\n");
    expect(await readdir(join(sandbox.workspace, "_restored"))).toEqual([first]);
  });

  it("backup: refusals (taken path, unknown snapshot, no match, bad glob, missing parameters, wrong key) write nothing", async () => {
    const [key, otherKey] = [await ageKeypair(), await ageKeypair()];
    stops.push(() => rm(key.dir, { recursive: true, force: true }));
    stops.push(() => rm(otherKey.dir, { recursive: true, force: true }));
    const sealed = { enabled: true, recipients: [key.recipient], interval: 0 };
    const first = await started({ backup: { ...sealed, identityFile: key.identityFile } });
    const { sandbox } = first;
    await writeFile(join(sandbox.shared, "keep.md"), "keep me\n");
    const id = await backupNow(sandbox, first.call);
    const restoredDir = join(sandbox.workspace, "_restored");
    const backupTool = first.tool(toolNames.backup);
    // No match on a first restore: no `_restored/` is left behind. A `_restored` leading out: refused.
    await expect(
      backupTool.execute("c", { action: "restore", snapshot: id, path: "nope.md" }),
    ).rejects.toThrow(/no entry of snapshot/);
    expect(await readdir(sandbox.workspace)).not.toContain("_restored");
    const outside = join(sandbox.root, "outside");
    await mkdir(outside);
    await symlink(outside, restoredDir);
    await expect(
      backupTool.execute("c", { action: "restore", snapshot: id, path: "keep.md" }),
    ).rejects.toThrow(/`path` leads out of .* through a symlink/);
    expect(await readdir(outside)).toEqual([]);
    await rm(restoredDir);
    await first.call(toolNames.backup, { action: "restore", snapshot: id, path: "workspace/shared/keep.md" });
    const kept = join(restoredDir, id, "workspace", "shared", "keep.md");
    await writeFile(kept, "edited by the agent\n");
    const refusals: [Record<string, unknown>, RegExp][] = [
      [
        { action: "restore", snapshot: id, path: "workspace/shared/keep.md" },
        /keep.md exists already; nothing was restored/,
      ],
      [
        { action: "restore", snapshot: "19990101T000000Z-dead", path: "workspace" },
        /`snapshot`: .*nothing was restored/,
      ],
      [
        { action: "restore", snapshot: id, path: "workspace/nope.md" },
        /no entry of snapshot .* matches `path` "workspace\/nope.md".*see action "ls".*nothing was restored/,
      ],
      [{ action: "restore", snapshot: id, path: "../x" }, /`path` "\.\.\/x": .*`\.\.` segment/],
      [{ action: "restore", snapshot: id, path: "notes/[ab].md" }, /`path` .*brackets/],
      [{ action: "restore", path: "keep.md" }, /`snapshot` is required/],
      [{ action: "restore", snapshot: id }, /`path` is required/],
      [{ action: "diff", to: id }, /`from` is required/],
      [{ action: "ls", snapshot: "19990101" }, /ls failed: /],
      [{ action: "diff", from: id, to: "19990101" }, /diff failed: /],
      [{ action: "delete" }, /`action`/],
    ];
    for (const [params, message] of refusals)
      await expect(backupTool.execute("c", params), JSON.stringify(params)).rejects.toThrow(message);
    await first.stop();
    stops.splice(-1);

    // The same cloud, read with the wrong key.
    const wrong = await started({ backup: { ...sealed, identityFile: otherKey.identityFile } }, sandbox);
    const wrongTool = wrong.tool(toolNames.backup);
    await expect(wrongTool.execute("c", { action: "ls", snapshot: id })).rejects.toThrow(/ls failed: /);
    await expect(
      wrongTool.execute("c", { action: "restore", snapshot: id, path: "workspace/shared/**" }),
    ).rejects.toThrow(/restore failed: .*nothing was restored/);
    expect(await readdir(restoredDir)).toEqual([id]);
    expect(await readdir(join(restoredDir, id, "workspace", "shared"))).toEqual(["keep.md"]);
    expect(await readFile(kept, "utf8")).toBe("edited by the agent\n");
  });
});
