/** The wizard's last step: a dry run of the first sync with the new config, so nothing changes yet. */
import type { AnyStateMachine } from "xstate";
import { inProcess } from "../daemon/route.js";
import { useMode } from "../modes/index.js";
import type { CycleBase, Mode } from "../modes/types.js";
import { modeAnswer } from "../runtime/answer.js";
import type { Scope } from "../runtime/scope.js";
import type { Answer } from "../runtime/unit.js";
import { endpointsOf } from "../runtime/workspace/status.js";
import { runnable } from "../util/command.js";
import type { Printer } from "../util/printer.js";
import { failureLine } from "../util/text.js";

export async function firstDryRun(scope: Scope, out: Printer, env: NodeJS.ProcessEnv): Promise<boolean> {
  const answer = await inProcess(
    scope,
    { workspace: scope.workspace },
    (unit) => unit.request({ type: "syncRequested", source: "cli", direction: "both", dryRun: true }),
    { interrupted: "interrupted; the next run resumes", warn: (m) => out.warn(m), env },
  );
  return useMode(scope.loaded.sync.mode, (mode) => show(mode, answer, scope, out));
}

function show<TMachine extends AnyStateMachine, TCycle extends CycleBase>(
  mode: Mode<TMachine, TCycle>,
  answered: Answer,
  scope: Scope,
  out: Printer,
): boolean {
  const { verdict, context, cycle } = modeAnswer(mode, answered);
  if (verdict !== "done" || !cycle) {
    const error = mode.syncContext(context).lastError;
    out.warn(`the dry run failed: ${error ? failureLine(error) : "unknown failure"}`);
    return false;
  }
  out.line(`dry run (nothing changed): ${endpointsOf(scope)}`);
  for (const line of mode.cycleLines(cycle)) out.line(`  ${line}`);
  out.line(`Run \`${runnable("sync")}\` for the real first sync.`);
  return true;
}
