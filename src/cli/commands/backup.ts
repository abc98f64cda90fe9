/**
 * `workspace-sync backup now|list|ls|diff|verify|restore|forget|status`: encrypted snapshots of the workspace and
 * OpenClaw's state (ls and diff in backup-browse.ts, verify and restore in backup-restore.ts).
 */

import { defineCommand } from "citty";
import { allSnapshots, readCatalog } from "../../backup/catalog.js";
import { encryptionKindOf } from "../../backup/codec/age.js";
import { manifestSchema } from "../../backup/manifest.js";
import { forgetOriginal } from "../../backup/original/forget.js";
import { readRouted, withUnit } from "../../daemon/route.js";
import { openclawStateDir } from "../../paths.js";
import { backupUnitId } from "../../runtime/backup/ids.js";
import { type BackupStatus, buildBackupStatus } from "../../runtime/backup/status.js";
import type { BackupCycle, LiveBackupStatus } from "../../runtime/backup/unit.js";
import type { Scope } from "../../runtime/scope.js";
import { stateName } from "../../util/state-name.js";
import { failureLine } from "../../util/text.js";
import { json } from "../backup-args.js";
import { backupConfigOf, leftoverGraceFromEnv, readOnlyBackupRuntime } from "../backup-context.js";
import { formatBackupStatus, snapshotLine } from "../backup-format.js";
import { commonArgs, resolveScope } from "../context.js";
import { CliError } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { createProgressReporter, type ProgressReporter, progressMode } from "../progress.js";
import { diffCommand, lsCommand } from "./backup-browse.js";
import { restoreCommand, verifyCommand } from "./backup-restore.js";

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
      interrupted: "interrupted; the backup in progress is not published and starts again next time",
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
  out.line(snapshotLine({ origin: "workspace-sync", id: s.id, time: s.time, manifest: s }));
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
    const { snapshots, original, leftovers, broken } = read.catalog;
    if (args.json) {
      out.json({ snapshots, original, leftovers, broken });
      return;
    }
    if (snapshots.length === 0 && original.length === 0)
      out.line(`no snapshots in ${runtime.ops.remote.root}`);
    for (const ref of allSnapshots(read.catalog)) out.line(snapshotLine(ref));
    for (const b of broken) out.warn(`${b.id} is not listed: ${b.reason}`);
    if (leftovers.length > 0)
      out.info(`${leftovers.length} unpublished leftovers (removed by the next backup's prune once old)`);
  },
});

const forgetCommand = defineCommand({
  meta: {
    name: "forget",
    description:
      "Delete one of the original plugin's snapshots (backup-...); retention never does, yours follow backup.retain",
  },
  args: {
    ...commonArgs,
    snapshot: {
      type: "positional",
      required: true,
      description: "its id (backup-<time>Z) or unique start",
      valueHint: "ID",
    },
    json,
  },
  async run({ args }) {
    const out = createOutput();
    const runtime = await readOnlyBackupRuntime(await resolveScope(args, out));
    const result = await forgetOriginal(runtime.ops, args.snapshot);
    if (args.json) out.json(result.ok ? { ok: true, forgotten: result.forgotten } : result);
    if (!result.ok) throw new CliError(`backup forget failed: ${failureLine(result.failure)}`);
    if (!args.json) out.success(`deleted ${result.forgotten.name} (from the original plugin)`);
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
  meta: {
    name: "backup",
    description: "Encrypted backups: now, list, ls, diff, verify, restore, forget, status",
  },
  subCommands: {
    now: nowCommand,
    list: listCommand,
    ls: lsCommand,
    diff: diffCommand,
    verify: verifyCommand,
    restore: restoreCommand,
    forget: forgetCommand,
    status: statusCommand,
  },
});
