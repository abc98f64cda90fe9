/**
 * `workspace_inbox`: the files the user dropped into the cloud `_outbox`, delivered into `_inbox`. List
 * them, peek at one, or move one into a workspace folder. Names are confined: an arrival is named inside
 * `_inbox`, a destination inside the workspace; no `..`, no absolute path, no symlink on the way out, and
 * a move never replaces a file.
 */
import { lstat, open, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { z } from "zod";
import { workspacePaths } from "../../paths.js";
import type { Scope } from "../../runtime/scope.js";
import { errnoOf } from "../../util/errors.js";
import { assertConfined, assertRegularFile, moveNoReplace, partsOf, under } from "./confined.js";
import { ToolError, type ToolSpec } from "./kit.js";
import { toolNames } from "./names.js";

const name = toolNames.inbox;
const maxPeek = 65_536;

const params = z
  .object({
    action: z.enum(["list", "peek", "move"]).describe("list the arrivals, peek at one, or move one"),
    name: z
      .string()
      .optional()
      .describe("peek, move: the arrival, as `list` names it (a path inside _inbox)"),
    to: z
      .string()
      .optional()
      .describe("move: the workspace folder to move it into, relative to the workspace (created if missing)"),
    newName: z.string().optional().describe("move: a new file name (default: the arrival's own)"),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(maxPeek)
      .default(4096)
      .describe(`peek: how many bytes to read from the start (1 to ${maxPeek}, default 4096)`),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Arrival {
  name: string;
  bytes: number;
  modified: string;
}

async function walk(root: string, dir: string, found: Arrival[], skipped: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    if (errnoOf(error) === "ENOENT") return [];
    throw error;
  });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const shown = relative(root, path).split(sep).join("/");
    if (entry.isDirectory()) await walk(root, path, found, skipped);
    else if (entry.isFile()) {
      const { size, mtime } = await lstat(path);
      found.push({ name: shown, bytes: size, modified: mtime.toISOString() });
    } else skipped.push(shown);
  }
}

function required(p: Params, key: "name" | "to"): string {
  const value = p[key];
  if (value === undefined || value.trim() === "")
    throw new ToolError(`${name}: \`${key}\` is required for action "${p.action}"`);
  return value;
}

async function arrivalPath(inboxDir: string, p: Params): Promise<{ path: string; shown: string }> {
  const parts = partsOf(name, "name", required(p, "name"));
  const path = under(inboxDir, parts);
  await assertConfined(name, "name", inboxDir, path);
  const shown = `_inbox/${parts.join("/")}`;
  await assertRegularFile(name, "name", path, shown);
  return { path, shown };
}

async function peek(path: string, bytes: number) {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    const binary = head.includes(0);
    return { size, shownBytes: bytesRead, binary, text: binary ? null : head.toString("utf8") };
  } finally {
    await handle.close();
  }
}

async function move(scope: Scope, inboxDir: string, toolDir: string, p: Params) {
  const from = await arrivalPath(inboxDir, p);
  const folder = partsOf(name, "to", required(p, "to"));
  const fileName = p.newName === undefined ? (from.shown.split("/").at(-1) ?? "") : p.newName;
  const fileParts = partsOf(name, "newName", fileName);
  if (fileParts.length !== 1)
    throw new ToolError(`${name}: \`newName\` must be a file name without a folder (got "${fileName}")`);
  const target = under(scope.workspace, [...folder, ...fileParts]);
  for (const [off, what] of [
    [inboxDir, "_inbox"],
    [toolDir, "workspace-sync's own folder"],
  ] as const) {
    const rel = relative(off, target);
    if (!rel.startsWith("..") && !rel.startsWith(sep))
      throw new ToolError(`${name}: \`to\` must be a workspace folder outside ${what}; nothing was moved`);
  }
  await assertConfined(name, "to", scope.workspace, target);
  const shown = [...folder, ...fileParts].join("/");
  await moveNoReplace(name, from.path, target, shown);
  return { summary: `moved ${from.shown} to ${shown}`, moved: { from: from.shown, to: shown } };
}

export const inboxTool: ToolSpec<Params> = {
  name,
  label: "Workspace inbox",
  description:
    "Files the user dropped into the cloud folder _outbox arrive in this workspace's _inbox. action=list names them; action=peek reads the start of one (name); action=move moves one (name) into a workspace folder (to, relative to the workspace; newName optional). A move never replaces an existing file.",
  params,
  async run(p, scope) {
    const paths = workspacePaths(
      scope.stateDir,
      scope.workspace,
      scope.loaded.sync.localPath,
      scope.loaded.sync.mode,
    );
    const inboxShown = relative(scope.workspace, paths.inboxDir).split(sep).join("/");
    switch (p.action) {
      case "list": {
        const found: Arrival[] = [];
        const skipped: string[] = [];
        await walk(paths.inboxDir, paths.inboxDir, found, skipped);
        found.sort((a, b) => a.name.localeCompare(b.name));
        return {
          summary: found.length === 0 ? `${inboxShown} is empty` : `${found.length} file(s) in ${inboxShown}`,
          inbox: inboxShown,
          arrivals: found,
          ...(skipped.length > 0 ? { notFiles: skipped } : {}),
        };
      }
      case "peek": {
        const from = await arrivalPath(paths.inboxDir, p);
        return { name: from.shown, ...(await peek(from.path, p.bytes)) };
      }
      case "move":
        return move(scope, paths.inboxDir, paths.toolDir, p);
    }
  },
};
