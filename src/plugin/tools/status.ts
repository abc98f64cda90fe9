/**
 * `workspace_sync_status`: the state, the last cycle, the next run and any failure, in plain words and as
 * data. The running host answers from its live actor; without one, the event log on disk does.
 */
import { z } from "zod";
import { nextRunOf } from "../../diagnose/schedule.js";
import type { Scope } from "../../runtime/scope.js";
import { buildStatus, type StatusReport } from "../../runtime/workspace/status.js";
import { failureLine, haltLine } from "../../util/text.js";
import { openclawCommand } from "../manifest.js";
import type { ToolHost, ToolSpec } from "./kit.js";
import { toolNames } from "./names.js";

const params = z.object({}).strict();

async function reportOf(tools: ToolHost, scope: Scope): Promise<StatusReport> {
  const host = tools.host();
  if (host !== null && host.stateDir === scope.stateDir) {
    const unit = host.units().find((u) => u.info.kind === "workspace" && u.info.label === scope.workspace);
    // cast: a workspace unit's status is its StatusReport (runtime/workspace/unit.ts)
    if (unit) return (await unit.status()) as StatusReport;
    return buildStatus(scope);
  }
  const { readRouted } = await import("../../daemon/route.js"); // loads on use, as kit's withUnit
  return readRouted(
    scope,
    (client) => client.call<StatusReport>({ op: "status", workspace: scope.workspace }),
    () => buildStatus(scope),
  );
}

/** What needs attention, one plain sentence each (empty: nothing does). */
export function problemsOf(report: StatusReport): string[] {
  const problems: string[] = [];
  if (report.halt)
    problems.push(
      `halted before deleting anything: ${haltLine(report.halt)}. ${report.halt.hint} (only the user can decide: \`${openclawCommand} sync --force\`)`,
    );
  if (report.resyncNeeded)
    problems.push(
      `needsResync: ${report.resyncNeeded.message}; the user runs \`${openclawCommand} sync --resync\``,
    );
  if (report.lastError && /^(failed|recovering)/.test(report.state))
    problems.push(`the last cycle failed: ${failureLine(report.lastError)}`);
  if (report.retryAt) problems.push(`a retry is due at ${report.retryAt} (attempt ${report.attempt})`);
  return problems;
}

function summaryOf(
  report: StatusReport,
  next: { at: string | null; note: string },
  problems: string[],
): string {
  const last = report.lastCycle
    ? `last cycle finished ${report.lastCycle.finishedAt} (${report.lastCycle.sources.join(", ")})`
    : "no cycle yet";
  const nextLine = next.at ? `next run ${next.at} (${next.note})` : `next run: ${next.note}`;
  const health = problems.length === 0 ? "no failures" : problems.join("; ");
  return `${report.mode} sync of ${report.localDir} with ${report.remote} is ${report.state}; ${last}; ${nextLine}; ${health}.`;
}

export const statusTool: ToolSpec<z.infer<typeof params>> = {
  name: toolNames.status,
  label: "Workspace sync status",
  description:
    "The cloud sync of this workspace: its state (idle, running, recovering, failed, halted, needsResync), the last cycle, the next run, and any failure in plain words. Fast: it runs no sync.",
  params,
  async run(_params, scope, tools) {
    const report = await reportOf(tools, scope);
    const next = report.nextTimerAt
      ? { at: report.nextTimerAt, note: "the running host's interval timer" }
      : nextRunOf({
          interval: scope.loaded.sync.interval,
          lastFinishedAt: report.lastCycle?.finishedAt ?? null,
          retryAt: report.retryAt,
          hostRunning: report.host !== null,
          now: Date.now(),
        });
    const problems = problemsOf(report);
    return {
      summary: summaryOf(report, next, problems),
      state: report.state,
      mode: report.mode,
      workspace: report.workspace,
      localDir: report.localDir,
      remote: report.remote,
      lastCycle: report.lastCycle,
      nextRun: next,
      problems,
      pending: report.pending,
      totals: report.totals,
      served: report.unit !== undefined,
    };
  },
};
