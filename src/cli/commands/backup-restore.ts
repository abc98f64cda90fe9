/** `workspace-sync backup verify|restore`: read a snapshot back whole, or restore it (or some paths of it). */
import { join } from "node:path";
import { defineCommand } from "citty";
import { PathGlobError, pathGlob } from "../../backup/browse/glob.js";
import { restorePaths } from "../../backup/browse/restore-paths.js";
import { resolveSnapshot, restoreSnapshot, verifySnapshot } from "../../backup/restore.js";
import type { BackupRuntime } from "../../backup/runtime.js";
import { bytes, failureLine } from "../../util/text.js";
import { identityArg, json, snapshotArg } from "../backup-args.js";
import { readOnlyBackupRuntime } from "../backup-context.js";
import { snapshotName } from "../backup-format.js";
import { commonArgs, resolveScope } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput, type Output } from "../output.js";

export const verifyCommand = defineCommand({
  meta: {
    name: "verify",
    description: "Read a snapshot back whole: authenticate, decompress, list, compare with its manifest",
  },
  args: { ...commonArgs, snapshot: snapshotArg, identity: identityArg, json },
  async run({ args }) {
    const out = createOutput();
    const runtime = await readOnlyBackupRuntime(await resolveScope(args, out), {
      identityFile: args.identity,
    });
    const result = await verifySnapshot(runtime, args.snapshot);
    if (args.json)
      out.json(
        result.ok
          ? { ok: true, id: result.snapshot.id, origin: result.snapshot.origin, counts: result.counts }
          : { ok: false, id: result.snapshot?.id ?? null, failure: result.failure },
      );
    if (!result.ok) throw new CliError(`verify failed: ${failureLine(result.failure)}`);
    if (args.json) return;
    const { counts, snapshot } = result;
    const checked =
      snapshot.origin === "original"
        ? "it decrypts, gunzips (CRC ok) and reads as one whole tar; it has no manifest to compare with"
        : "hashes match the manifest";
    out.success(
      `${snapshotName(snapshot)} verified: ${counts.files} files, ${counts.dirs} folders, ${counts.symlinks} symlinks, ${bytes(counts.bytes)}; ${checked}`,
    );
  },
});

async function defaultTarget(runtime: BackupRuntime, stateDir: string, wanted: string | undefined) {
  const found = await resolveSnapshot(runtime, wanted);
  if (!found.ok) throw new CliError(`restore failed: ${failureLine(found.failure)}`);
  return join(stateDir, "restores", found.snapshot.id);
}

async function restoreSome(
  out: Output,
  runtime: BackupRuntime,
  args: { path: string; snapshot?: string; to: string; force: boolean; dryRun: boolean; json: boolean },
) {
  let glob: ReturnType<typeof pathGlob>;
  try {
    glob = pathGlob(args.path);
  } catch (error) {
    if (error instanceof PathGlobError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
  const listed: string[] = [];
  const result = await restorePaths(runtime, {
    snapshot: args.snapshot,
    glob,
    to: args.to,
    force: args.force,
    dryRun: args.dryRun,
    onEntry: (path) => listed.push(path),
  });
  if (args.json)
    out.json(
      result.ok
        ? {
            ...result,
            snapshot: undefined,
            id: result.snapshot.id,
            origin: result.snapshot.origin,
            entries: listed,
          }
        : { ok: false, failure: result.failure },
    );
  if (!result.ok) throw new CliError(`restore failed: ${failureLine(result.failure)}; nothing was written`);
  if (args.json) return;
  for (const line of listed) out.line(line);
  const name = snapshotName(result.snapshot);
  if (result.dryRun) {
    out.success(`dry run: ${result.restored} entries of ${name} match; they would go into ${result.target}`);
    return;
  }
  out.success(`restored ${result.restored} entries of ${name} into ${result.target}`);
  if (result.replacedIn)
    out.info(`what they replaced (${result.replaced.length}) was kept in ${result.replacedIn}`);
  for (const path of result.leftOut) out.warn(`left out ${path}: it changed while being archived`);
}

export const restoreCommand = defineCommand({
  meta: {
    name: "restore",
    description:
      "Restore a snapshot, or only the paths --path matches, into a folder (staged; moved into place only when all of it checked out)",
  },
  args: {
    ...commonArgs,
    snapshot: snapshotArg,
    path: {
      type: "string",
      description:
        "only the entries this glob matches (workspace/notes/today.md, 'workspace/notes/**', '*.md'); a folder brings its content",
      valueHint: "GLOB",
    },
    to: {
      type: "string",
      description: "target folder (default: <state-dir>/restores/<id>)",
      valueHint: "DIR",
    },
    "dry-run": { type: "boolean", description: "list what would be restored; write nothing" },
    force: {
      type: "boolean",
      description:
        "restore into a non-empty target: what would be replaced is kept first in <target>.replaced-<time>",
    },
    "keep-special-bits": {
      type: "boolean",
      description: "keep setuid and setgid bits as archived (dropped by default)",
    },
    identity: identityArg,
    json,
  },
  async run({ args }) {
    const out = createOutput();
    const resolved = await resolveScope(args, out);
    const runtime = await readOnlyBackupRuntime(resolved, { identityFile: args.identity });
    const dryRun = args["dry-run"] === true;
    const to = args.to ?? (await defaultTarget(runtime, resolved.stateDir, args.snapshot));
    if (args.path !== undefined) {
      await restoreSome(out, runtime, {
        path: args.path,
        ...(args.snapshot ? { snapshot: args.snapshot } : {}),
        to,
        force: args.force === true,
        dryRun,
        json: args.json === true,
      });
      return;
    }
    const listed: string[] = [];
    const result = await restoreSnapshot(runtime, {
      ...(args.snapshot ? { snapshot: args.snapshot } : {}),
      to,
      dryRun,
      force: args.force === true,
      keepSpecialBits: args["keep-special-bits"] === true,
      onEntry: (entry) =>
        listed.push(
          `${entry.kind === "dir" ? `${entry.path}/` : entry.path}${entry.kind === "symlink" ? ` -> ${entry.linkpath}` : ""}`,
        ),
    });
    if (args.json)
      out.json(
        result.ok
          ? {
              ...result,
              snapshot: undefined,
              id: result.snapshot.id,
              origin: result.snapshot.origin,
              entries: dryRun ? listed : undefined,
            }
          : { ok: false, failure: result.failure },
      );
    if (!result.ok)
      throw new CliError(`restore failed: ${failureLine(result.failure)}; the target was not touched`);
    if (args.json) return;
    const name = snapshotName(result.snapshot);
    if (dryRun) {
      for (const line of listed) out.line(line);
      out.success(
        `dry run: ${name} would restore ${result.restored} entries into ${result.target} (it read back whole and checked out)`,
      );
    } else {
      out.success(`restored ${name} into ${result.target} (${result.restored} entries)`);
      if (result.movedAside) out.info(`the previous ${result.target} was kept in ${result.movedAside}`);
    }
    for (const path of result.leftOut) out.warn(`left out ${path}: it changed while being archived`);
  },
});
