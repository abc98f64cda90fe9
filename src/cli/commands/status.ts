import { defineCommand } from "citty";
import { backupRemoteProblem } from "../../backup/remote.js";
import { backupPlanOf } from "../../config/backup.js";
import { readRouted } from "../../daemon/route.js";
import { type Check, diagnose } from "../../diagnose/chain.js";
import { diagnoseEffects } from "../../diagnose/effects.js";
import { checkLine, failureLine } from "../../diagnose/format.js";
import { nextRunOf } from "../../diagnose/schedule.js";
import { configFileOf, stateDirOf, workspaceOf } from "../../paths.js";
import { findRclone } from "../../rclone/binary.js";
import { timerSeconds } from "../../runtime/workspace/interval.js";
import { buildStatus, type StatusReport } from "../../runtime/workspace/status.js";
import { localTime } from "../../util/time.js";
import { commonArgs, requireWorkspace } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { backupPlanLine, formatStatus } from "../format.js";
import { createOutput } from "../output.js";

/** Config and remote-setup failures are usage errors (exit 2); the rest failed checks (exit 1). */
function exitCodeOf(failed: Check): number {
  return failed.id === "config" || failed.id === "remote" ? ExitCode.usage : ExitCode.failed;
}

export const statusCommand = defineCommand({
  meta: {
    name: "status",
    description:
      "Check rclone, the config, the remote and its credentials (stopping at the first problem, with its fix); then the sync state, the last cycle and the next run",
  },
  args: {
    ...commonArgs,
    json: { type: "boolean", description: "print as JSON" },
    offline: {
      type: "boolean",
      description: "do not contact the remote (skip the credential and path checks)",
    },
  },
  async run({ args }) {
    const out = createOutput();
    const env = process.env;
    const inputs = { env, config: args.config, workspace: args.workspace, stateDir: args["state-dir"] };
    const stateDir = stateDirOf(inputs);
    await requireWorkspace(workspaceOf(inputs), args, env);
    const diagnosis = await diagnose(diagnoseEffects({ configFile: configFileOf(inputs), stateDir, env }), {
      offline: args.offline === true,
    });
    for (const warning of diagnosis.loaded?.warnings ?? []) out.warn(warning);
    const failed = diagnosis.checks.find((c) => c.ok === false);
    if (failed || diagnosis.loaded === null) {
      if (args.json) out.json({ ok: false, checks: diagnosis.checks });
      else for (const c of diagnosis.checks.filter((c) => c !== failed)) out.line(checkLine(c));
      const last = failed ?? diagnosis.checks[diagnosis.checks.length - 1];
      throw new CliError(
        last ? failureLine(last) : "status: nothing checked",
        failed ? exitCodeOf(failed) : 1,
      );
    }
    const loaded = diagnosis.loaded;
    const resolved = { loaded, stateDir, workspace: workspaceOf(inputs) };
    // The running host answers with its live state and its timer; without one, the event log on disk does.
    const report = await readRouted(
      resolved,
      (client) => client.call<StatusReport>({ op: "status", workspace: resolved.workspace }),
      () => buildStatus(resolved),
    );
    const nextRun = report.nextTimerAt
      ? { at: report.nextTimerAt, note: "the running host's interval timer" }
      : nextRunOf({
          interval: timerSeconds(loaded.sync),
          lastFinishedAt: report.lastCycle?.finishedAt ?? null,
          retryAt: report.retryAt,
          hostRunning: report.host !== null,
          now: Date.now(),
        });
    const remoteProblem =
      loaded.backup === null
        ? null
        : await backupRemoteProblem(loaded.sync, loaded.backup, stateDir, {
            rcloneBinary: await findRclone({ env }).catch(() => undefined),
            env,
            keyPrefix: loaded.syncPrefix,
          });
    // A backup remote that cannot be made disables backups, as a broken block does; sync runs on.
    const backup =
      remoteProblem === null
        ? backupPlanOf(loaded.backup, loaded.backupError)
        : backupPlanOf(null, remoteProblem);
    if (args.json) {
      out.json({ ...report, ok: true, checks: diagnosis.checks, nextRun, backup });
      return;
    }
    for (const c of diagnosis.checks) out.line(checkLine(c));
    out.line("");
    out.line(formatStatus(report));
    const backupLine = backupPlanLine(backup);
    if (backupLine !== null) out.line(backupLine);
    out.line(`next run   ${nextRun.at === null ? "-" : localTime(nextRun.at)} (${nextRun.note})`);
  },
});
