import { defineCommand } from "citty";
import type { AnyStateMachine } from "xstate";
import type { Direction, SyncRequest, UnitRequest } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import { type Serving, withUnit } from "../../daemon/route.js";
import { useMode } from "../../modes/index.js";
import type { CycleBase, Mode } from "../../modes/types.js";
import { modeAnswer } from "../../runtime/answer.js";
import type { Scope } from "../../runtime/scope.js";
import type { Answer } from "../../runtime/unit.js";
import { endpointsOf, resyncCommandFor } from "../../runtime/workspace/status.js";
import { runnable } from "../../util/command.js";
import { stateName } from "../../util/state-name.js";
import { failureLine, haltLine } from "../../util/text.js";
import { isoTimes } from "../../util/time.js";
import { commonArgs, requireWorkspace, resolveScope } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { createProgressReporter, type ProgressReporter, progressMode } from "../progress.js";

function directionOf(value: string | undefined): Direction {
  if (value === undefined || value === "") return "both";
  if (value === "push" || value === "pull") return value;
  throw new CliError(`--direction must be push or pull (got "${value}")`, ExitCode.usage);
}

/** `--resync` rebuilds bisync's listings: refused, with the reason, where it means nothing. */
function checkResync(resync: boolean, direction: Direction, mode: SyncConfig["mode"]): void {
  if (!resync) return;
  if (mode !== "bisync") {
    throw new CliError(
      `--resync only applies to mode "bisync" (this workspace uses mode "${mode}", which keeps no bisync listings)`,
      ExitCode.usage,
    );
  }
  if (direction !== "both") {
    throw new CliError(
      "--resync cannot be combined with --direction: a resync runs bisync itself",
      ExitCode.usage,
    );
  }
}

/** The step a state is in (`pushing`, `draining`), which labels each progress line. */
const stepOf = (state: unknown) => stateName(state).split(".").at(-1) ?? "";

/** Ask the workspace's unit (the running host's, or a one-shot host's) for one cycle, with live progress. */
function ask(scope: Scope, request: UnitRequest, out: Output, progress: ProgressReporter | null) {
  return withUnit(
    scope,
    { workspace: scope.workspace },
    async (unit, serving): Promise<{ answer: Answer; serving: Serving }> => {
      let step = "";
      const unsubscribe = progress ? unit.subscribe((t) => (step = stepOf(t.state))) : () => undefined;
      const unwatch = progress
        ? (unit.watchProgress?.((stats) => progress.update(step, stats)) ?? (() => undefined))
        : () => undefined;
      try {
        return { answer: await unit.request(request), serving };
      } finally {
        unwatch();
        unsubscribe();
      }
    },
    { interrupted: "interrupted; the next run resumes", warn: (m) => out.warn(m) },
  );
}

/** What the cycle was: a dry run or a sync, and a person's one-way sync says so. */
function headline(request: SyncRequest): string {
  const label = request.dryRun ? "dry run (nothing changed)" : "synced";
  if (request.direction === "both") return label;
  const way = request.direction === "push" ? "local -> remote" : "remote -> local";
  return `${label}, one way ${way} for this run only (_inbox, _outbox and .workspace-sync left alone)`;
}

/**
 * What happens to a cycle left waiting for its retry: the daemon retries it on its backoff; after a one-shot
 * host nothing does, so the person is told what they can do.
 */
function retryLine(serving: Serving): string {
  return serving === "daemon"
    ? `; the daemon retries it on its backoff (${runnable("status")} shows when)`
    : `; nothing retries it now: run ${runnable("sync")} again, or start the daemon (${runnable("daemon")}), which retries on its own`;
}

function report<TMachine extends AnyStateMachine, TCycle extends CycleBase>(
  mode: Mode<TMachine, TCycle>,
  answered: Answer,
  serving: Serving,
  scope: Scope,
  json: boolean,
  out: Output,
): void {
  const { verdict, context, cycle } = modeAnswer(mode, answered);
  const shared = mode.syncContext(context);
  const state = stateName(answered.state);
  const halt = state === "halted" ? (shared.halt ?? null) : null;
  const resyncNeeded = state === "needsResync" ? mode.resyncNeeded(context) : null;
  if (json) {
    out.json(
      isoTimes({
        verdict,
        state,
        cycle,
        conflicts: mode.conflicts(cycle),
        halt,
        resyncNeeded: resyncNeeded && { ...resyncNeeded, command: resyncCommandFor(scope) },
        error: shared.lastError,
        retryAt: shared.retryAt,
      }),
    );
  } else if (verdict === "done" && cycle) {
    out.success(`${headline(cycle.request)}: ${endpointsOf(scope, cycle.request.direction)}`);
    for (const line of mode.cycleLines(cycle)) out.line(line);
  }
  if (halt !== null && verdict !== "done") {
    throw new CliError(`sync halted, nothing was deleted: ${haltLine(halt)}. ${halt.hint}`);
  }
  if (resyncNeeded !== null && verdict !== "done") {
    throw new CliError(
      `sync needs --resync: ${resyncNeeded.message}. ${resyncNeeded.hint ?? ""} Run: ${resyncCommandFor(scope)}`,
    );
  }
  if (verdict !== "done") {
    const reason = shared.lastError ? failureLine(shared.lastError) : "unknown failure";
    const next = verdict === "retrying" ? retryLine(serving) : "";
    throw new CliError(`sync ${verdict === "retrying" ? "did not finish" : "failed"}: ${reason}${next}`);
  }
}

export const syncCommand = defineCommand({
  meta: { name: "sync", description: "Run one sync cycle now and wait for it" },
  args: {
    ...commonArgs,
    "dry-run": {
      type: "boolean",
      description: "show what would be copied, moved and deleted; change nothing",
    },
    direction: {
      type: "string",
      description:
        "a one-way sync in that direction for this run only, whatever the mode (behind the deletion guards; _inbox, _outbox and .workspace-sync left alone)",
      valueHint: "push|pull",
    },
    force: {
      type: "boolean",
      description:
        "go past a deletion guard (empty source, more than maxDelete percent deleted) for this run",
    },
    resync: {
      type: "boolean",
      description: "bisync only: rebuild bisync's listings from both sides (status says when it is needed)",
    },
    json: { type: "boolean", description: "print the outcome as JSON" },
  },
  async run({ args }) {
    const out = createOutput();
    const direction = directionOf(args.direction);
    const request: UnitRequest = {
      type: "syncRequested",
      source: "cli",
      direction,
      dryRun: args["dry-run"] === true,
      ...(args.force === true ? { force: true } : {}),
      ...(args.resync === true ? { resync: true } : {}),
      // A person's direction is a one-way sync whatever the mode (in mailbox mode a pull is not the drain).
      ...(direction === "both" ? {} : { oneWay: true }),
    };
    const scope = await resolveScope(args, out);
    await requireWorkspace(scope.workspace, args);
    checkResync(args.resync === true, direction, scope.loaded.sync.mode);
    const shown = progressMode({ json: args.json === true, isTTY: process.stderr.isTTY });
    const progress = shown === "off" ? null : createProgressReporter({ stream: process.stderr, mode: shown });
    const { answer, serving } = await ask(scope, request, out, progress).finally(() => progress?.done());
    useMode(scope.loaded.sync.mode, (mode) => report(mode, answer, serving, scope, args.json === true, out));
  },
});
