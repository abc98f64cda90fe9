/** `workspace-sync backup ls|diff`: what a snapshot holds, and what changed between two. */
import { defineCommand } from "citty";
import { diffSnapshots } from "../../backup/browse/diff.js";
import { type PathGlob, PathGlobError, pathGlob } from "../../backup/browse/glob.js";
import { listEntries } from "../../backup/browse/ls.js";
import { bytes, failureLine } from "../../util/text.js";
import { identityArg, json } from "../backup-args.js";
import { readOnlyBackupRuntime } from "../backup-context.js";
import { entryLine, snapshotName } from "../backup-format.js";
import { commonArgs, resolveScope } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput } from "../output.js";

/** `latest`, a snapshot id or its start (`20261121T09`), or one of the original plugin's (`backup-2026...`). */
const looksLikeSnapshot = (arg: string) =>
  /^(latest|[0-9]{8}(T[0-9]{0,6}(Z(-[0-9a-f]{0,4})?)?)?|backup-[0-9]{0,8}(T[0-9]{0,6}Z?)?)$/.test(arg);

function globOf(raw: string | undefined): PathGlob | null {
  if (raw === undefined) return null;
  try {
    return pathGlob(raw);
  } catch (error) {
    if (error instanceof PathGlobError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
}

export const lsCommand = defineCommand({
  meta: {
    name: "ls",
    description:
      "List what a snapshot holds (streamed and checked, nothing written): `backup ls [SNAPSHOT] [PATH-GLOB]`",
  },
  args: {
    ...commonArgs,
    snapshot: {
      type: "positional",
      required: false,
      description:
        "a snapshot id (or its unique start) or latest (default); a lone argument that is not one is the glob",
      valueHint: "SNAPSHOT",
    },
    glob: {
      type: "positional",
      required: false,
      description: "only paths this glob matches (workspace/notes/**, '*.md'); a folder brings its content",
      valueHint: "PATH-GLOB",
    },
    identity: identityArg,
    json,
  },
  async run({ args }) {
    const out = createOutput();
    let snapshot: string | undefined = args.snapshot;
    let rawGlob: string | undefined = args.glob;
    if (rawGlob === undefined && snapshot !== undefined && !looksLikeSnapshot(snapshot)) {
      rawGlob = snapshot;
      snapshot = undefined;
    }
    const glob = globOf(rawGlob);
    const runtime = await readOnlyBackupRuntime(await resolveScope(args, out), {
      identityFile: args.identity,
    });
    const result = await listEntries(runtime, { snapshot, glob });
    if (args.json)
      out.json(
        result.ok
          ? { ok: true, id: result.snapshot.id, origin: result.snapshot.origin, entries: result.entries }
          : { ok: false, failure: result.failure },
      );
    if (!result.ok) throw new CliError(`backup ls failed: ${failureLine(result.failure)}`);
    if (args.json) return;
    for (const entry of result.entries) out.line(entryLine(entry));
    const files = result.entries.filter((e) => e.kind === "file");
    out.info(
      `${snapshotName(result.snapshot)}: ${result.entries.length} entries${glob ? ` matching ${glob.pattern}` : ""}, ${files.length} files, ${bytes(files.reduce((n, e) => n + e.size, 0))}`,
    );
  },
});

export const diffCommand = defineCommand({
  meta: {
    name: "diff",
    description: "What changed from snapshot A to snapshot B: paths added, removed, changed, with sizes",
  },
  args: {
    ...commonArgs,
    from: {
      type: "positional",
      required: true,
      description: "the older snapshot (id, start of one, latest)",
      valueHint: "A",
    },
    to: { type: "positional", required: true, description: "the newer snapshot", valueHint: "B" },
    path: { type: "string", description: "only paths this glob matches", valueHint: "GLOB" },
    identity: identityArg,
    json,
  },
  async run({ args }) {
    const out = createOutput();
    const glob = globOf(args.path);
    const runtime = await readOnlyBackupRuntime(await resolveScope(args, out), {
      identityFile: args.identity,
    });
    const result = await diffSnapshots(runtime, { from: args.from, to: args.to, glob });
    if (args.json) {
      out.json(
        result.ok
          ? { ...result, from: result.from.id, to: result.to.id }
          : { ok: false, failure: result.failure },
      );
    }
    if (!result.ok) throw new CliError(`backup diff failed: ${failureLine(result.failure)}`);
    if (args.json) return;
    const size = (kind: string, n: number) => (kind === "file" ? bytes(n) : kind);
    for (const e of result.added) out.line(`+ ${e.path}  (${size(e.kind, e.size)})`);
    for (const e of result.removed) out.line(`- ${e.path}  (${size(e.kind, e.size)})`);
    for (const e of result.changed)
      out.line(
        `~ ${e.path}  (${size(e.kind, e.sizeBefore)} → ${size(e.kind, e.sizeAfter)}; ${e.what.join(", ")})`,
      );
    out.info(
      `${snapshotName(result.from)} → ${snapshotName(result.to)}: ${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed, ${result.unchanged} unchanged`,
    );
  },
});
