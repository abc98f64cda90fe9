/** `workspace-sync backup now|list|verify|restore|status`: encrypted snapshots of the workspace and OpenClaw's state. */

import { join } from "node:path";
import { defineCommand } from "citty";
import { readCatalog } from "../../backup/catalog.js";
import { encryptionKindOf } from "../../backup/codec/age.js";
import { type Manifest, manifestSchema } from "../../backup/manifest.js";
import { resolveSnapshot, restoreSnapshot, verifySnapshot } from "../../backup/restore.js";
import { readRouted, withUnit } from "../../daemon/route.js";
import { openclawStateDir } from "../../paths.js";
import { backupUnitId } from "../../runtime/backup/ids.js";
import { type BackupStatus, buildBackupStatus } from "../../runtime/backup/status.js";
import type { BackupCycle, LiveBackupStatus } from "../../runtime/backup/unit.js";
import type { Scope } from "../../runtime/scope.js";
import { stateName } from "../../util/state-name.js";
import { bytes, failureLine } from "../../util/text.js";
import { backupConfigOf, leftoverGraceFromEnv, readOnlyBackupRuntime } from "../backup-context.js";
import { formatBackupStatus } from "../backup-format.js";
import { commonArgs, resolveScope } from "../context.js";
import { CliError } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { createProgressReporter, type ProgressReporter, progressMode } from "../progress.js";

const json = { type: "boolean", description: "print as JSON" } as const;
const snapshotArg = {
  type: "string",
  description: "a snapshot id (or its unique start), or latest (default)",
  valueHint: "ID",
} as const;
const identityArg = {
  type: "string",
  description: "an age identity file, for snapshots sealed to recipients",
  valueHint: "FILE",
} as const;

function snapshotLine(m: Manifest): string {
  const skipped = m.skippedCount > 0 ? `, ${m.skippedCount} skipped` : "";
  return `${m.id}  ${m.time}  ${String(m.files).padStart(6)} files  ${bytes(m.bytes).padStart(10)} → ${bytes(m.object.bytes).padStart(10)}  ${m.compression.algorithm}${m.encryption === "none" ? "" : "+age"}${skipped}`;
}

/** What one `backup now` came to, whichever host ran it. */
interface BackupOutcome extends BackupCycle {
  verdict: "done" | "failed";
}

/** The step a backup is in (`archiving`), which labels each progress line. */
const stepOf = (state: unknown) => stateName(state).split(".").at(-1) ?? "";

/** Ask the backup unit (the running host's, or a one-shot host's) for one backup, with live progress. */
function backupNow(scope: Scope, out: Output, progress: ProgressReporter | null): Promise<BackupOutcome> {
  return withUnit(
    scope,
    { unit: backupUnitId },
    async (unit) => {
      let step = "";
      const unsubscribe = progress ? unit.subscribe((t) => (step = stepOf(t.state))) : () => undefined;
      const unwatch = progress
        ? (unit.watchProgress?.((stats) => progress.update(step, stats)) ?? (() => undefined))
        : () => undefined;
      try {
        const answer = await unit.request({ type: "backupRequested", source: "cli" });
        // cast: the backup unit's answer carries its `BackupCycle` (runtime/backup/unit.ts)
        const cycle = answer.cycle as BackupCycle;
        return { verdict: answer.verdict === "done" ? "done" : "failed", ...cycle };
      } finally {
        unwatch();
        unsubscribe();
      }
    },
    {
      interrupted: "the backup in progress is not published and starts again next time",
      warn: (m) => out.warn(m),
      ...leftoverGraceFromEnv(process.env),
    },
  );
}

function reportNow(outcome: BackupOutcome, json: boolean, out: Output): void {
  if (json) out.json({ verdict: outcome.verdict, backup: outcome.record, failure: outcome.failure });
  if (outcome.verdict !== "done" || !outcome.record) {
    const error = outcome.failure?.error;
    throw new CliError(`backup failed: ${error ? failureLine(error) : "unknown failure"}`);
  }
  if (json) return;
  const { record } = outcome;
  const s = manifestSchema.parse(record.snapshot);
  out.success(`backed up ${s.id} to ${outcome.root}`);
  out.line(snapshotLine(s));
  for (const note of s.notes) out.line(`  note: ${note}`);
  for (const skip of s.skipped) out.line(`  skipped ${skip.path}: ${skip.reason}`);
  if (record.prune) {
    const { removed, leftoversRemoved } = record.prune;
    if (removed.length > 0) out.line(`pruned ${removed.length}: ${removed.join(", ")}`);
    if (leftoversRemoved.length > 0) out.line(`removed ${leftoversRemoved.length} unpublished leftovers`);
  }
  if (record.pruneError)
    out.warn(`pruning failed (tried again next time): ${failureLine(record.pruneError)}`);
}

const nowCommand = defineCommand({
  meta: {
    name: "now",
    description:
      "Back up now and wait for it (published, checked, pruned); a running host does it, else this process",
  },
  args: { ...commonArgs, json },
  async run({ args }) {
    const out = createOutput();
    const resolved = await resolveScope(args, out);
    const backup = backupConfigOf(resolved);
    // A backup that could not be sealed is refused before anything is made or written.
    encryptionKindOf(backup.encrypt, { passphrase: backup.passphrase, recipients: backup.recipients });
    const mode = progressMode({ json: args.json === true, isTTY: process.stderr.isTTY });
    const progress = mode === "off" ? null : createProgressReporter({ stream: process.stderr, mode });
    const outcome = await backupNow(resolved, out, progress).finally(() => progress?.done());
    reportNow(outcome, args.json === true, out);
  },
});

const listCommand = defineCommand({
  meta: { name: "list", description: "List the published snapshots (those with a manifest), newest first" },
  args: { ...commonArgs, json },
  async run({ args }) {
    const out = createOutput();
    const runtime = await readOnlyBackupRuntime(await resolveScope(args, out));
    const read = await readCatalog(runtime.ops);
    if (!read.ok) throw new CliError(`backup list failed: ${failureLine(read.failure)}`);
    const { snapshots, leftovers, broken } = read.catalog;
    if (args.json) {
      out.json({ snapshots, leftovers, broken });
      return;
    }
    if (snapshots.length === 0) out.line(`no snapshots in ${runtime.ops.remote.root}`);
    for (const m of snapshots) out.line(snapshotLine(m));
    for (const b of broken) out.warn(`${b.id} is not listed: ${b.reason}`);
    if (leftovers.length > 0)
      out.info(`${leftovers.length} unpublished leftovers (removed by the next backup's prune once old)`);
  },
});

const verifyCommand = defineCommand({
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
          ? { ok: true, id: result.manifest.id, counts: result.counts }
          : { ok: false, id: result.manifest?.id ?? null, failure: result.failure },
      );
    if (!result.ok) throw new CliError(`verify failed: ${failureLine(result.failure)}`);
    if (!args.json) {
      const { counts } = result;
      out.success(
        `${result.manifest.id} verified: ${counts.files} files, ${counts.dirs} folders, ${counts.symlinks} symlinks, ${bytes(counts.bytes)}; hashes match the manifest`,
      );
    }
  },
});

const restoreCommand = defineCommand({
  meta: {
    name: "restore",
    description:
      "Restore a snapshot into a folder (staged; moved into place only when all of it checked out)",
  },
  args: {
    ...commonArgs,
    snapshot: snapshotArg,
    to: {
      type: "string",
      description: "target folder (default: <state-dir>/restores/<id>)",
      valueHint: "DIR",
    },
    "dry-run": { type: "boolean", description: "list what would be restored; write nothing" },
    force: { type: "boolean", description: "move an existing non-empty target aside first" },
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
    backupConfigOf(resolved);
    const runtime = await readOnlyBackupRuntime(resolved, { identityFile: args.identity });
    const dryRun = args["dry-run"] === true;
    const listed: string[] = [];
    let to = args.to;
    if (to === undefined) {
      const found = await resolveSnapshot(runtime, args.snapshot);
      if (!found.ok) throw new CliError(`restore failed: ${failureLine(found.failure)}`);
      to = join(resolved.stateDir, "restores", found.manifest.id);
    }
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
          ? { ...result, manifest: undefined, id: result.manifest.id, entries: dryRun ? listed : undefined }
          : { ok: false, failure: result.failure },
      );
    if (!result.ok)
      throw new CliError(`restore failed: ${failureLine(result.failure)}; the target was not touched`);
    if (args.json) return;
    if (dryRun) {
      for (const line of listed) out.line(line);
      out.success(
        `dry run: ${result.manifest.id} would restore ${result.restored} entries into ${result.target} (it authenticated and matches its manifest)`,
      );
    } else {
      out.success(`restored ${result.manifest.id} into ${result.target} (${result.restored} entries)`);
      if (result.movedAside) out.info(`the previous ${result.target} was moved to ${result.movedAside}`);
    }
    for (const path of result.leftOut) out.warn(`left out ${path}: it changed while being archived`);
  },
});

const statusCommand = defineCommand({
  meta: { name: "status", description: "Show the backup schedule, the last result, totals and the next run" },
  args: { ...commonArgs, json },
  async run({ args }) {
    const out = createOutput();
    const resolved = await resolveScope(args, out);
    const backup = backupConfigOf(resolved);
    // The running host answers from its live actor; without one (or without a backup unit), the log on disk does.
    const status = await readRouted<BackupStatus & { unit?: string }>(
      resolved,
      (client) => client.call<LiveBackupStatus>({ op: "status", unit: backupUnitId }),
      () =>
        buildBackupStatus(resolved.stateDir, backup, Date.now(), {
          workspace: resolved.workspace,
          openclawState: openclawStateDir(process.env),
        }),
    );
    if (args.json) out.json(status);
    else out.line(formatBackupStatus(status));
  },
});

export const backupCommand = defineCommand({
  meta: { name: "backup", description: "Encrypted backups: now, list, verify, restore, status" },
  subCommands: {
    now: nowCommand,
    list: listCommand,
    verify: verifyCommand,
    restore: restoreCommand,
    status: statusCommand,
  },
});
