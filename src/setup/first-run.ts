/** The wizard's last step: a dry run of the first sync with the new config, so nothing changes yet. */
import { access, mkdir } from "node:fs/promises";
import type { AnyStateMachine } from "xstate";
import { inProcess } from "../daemon/route.js";
import { useMode } from "../modes/index.js";
import type { CycleBase, Mode } from "../modes/types.js";
import { workspacePaths } from "../paths.js";
import { modeAnswer } from "../runtime/answer.js";
import type { Scope } from "../runtime/scope.js";
import type { Answer } from "../runtime/unit.js";
import { endpointsOf } from "../runtime/workspace/status.js";
import { runnable } from "../util/command.js";
import type { Printer } from "../util/printer.js";
import { failureLine } from "../util/text.js";

export async function firstDryRun(scope: Scope, out: Printer, env: NodeJS.ProcessEnv): Promise<boolean> {
  // A fresh setup's folder to sync may not exist yet: made here, and said, so the dry run has a source.
  const { loaded, stateDir, workspace } = scope;
  const localDir = workspacePaths(stateDir, workspace, loaded.sync.localPath, loaded.sync.mode).localDir;
  if (!(await exists(localDir))) {
    await mkdir(localDir, { recursive: true });
    out.line(`✔ made ${localDir}, the folder to sync (it did not exist)`);
  }
  const answer = await inProcess(
    scope,
    { workspace: scope.workspace },
    (unit) => unit.request({ type: "syncRequested", source: "cli", direction: "both", dryRun: true }),
    { interrupted: "interrupted; the next run resumes", warn: (m) => out.warn(m), env },
  );
  return useMode(scope.loaded.sync.mode, (mode) => show(mode, answer, scope, out));
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

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
