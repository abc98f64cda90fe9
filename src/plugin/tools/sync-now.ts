/**
 * `workspace_sync_now`: one more `syncRequested` event for the running actor (source `tool`), like any
 * trigger; waits for the cycle up to a limit and says what moved. The agent cannot force past a deletion
 * guard or resync bisync: those are the user's decisions (`sync --force`, `sync --resync`).
 */
import { randomUUID } from "node:crypto";
import type { AnyStateMachine } from "xstate";
import { z } from "zod";
import { useMode } from "../../modes/index.js";
import type { CycleBase, Mode } from "../../modes/types.js";
import { modeAnswer } from "../../runtime/answer.js";
import type { Answer } from "../../runtime/unit.js";
import { stateName } from "../../util/state-name.js";
import { failureLine, haltLine } from "../../util/text.js";
import { openclawCommand } from "../manifest.js";
import { type ToolSpec, withWorkspaceUnit } from "./kit.js";
import { toolNames } from "./names.js";

const params = z
  .object({
    direction: z
      .enum(["both", "push", "pull"])
      .default("both")
      .describe("both (default); push only uploads; pull only fetches what the user dropped in the cloud"),
    dryRun: z.boolean().default(false).describe("show what would change; change nothing"),
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(60)
      .describe("how long to wait for the cycle (0 to 600, default 60); it goes on after that"),
  })
  .strict();

function described<TMachine extends AnyStateMachine, TCycle extends CycleBase>(
  mode: Mode<TMachine, TCycle>,
  answered: Answer,
) {
  const { verdict, context, cycle } = modeAnswer(mode, answered);
  const shared = mode.syncContext(context);
  const state = stateName(answered.state);
  const moved = cycle ? mode.cycleLines(cycle) : [];
  const problem =
    verdict === "done"
      ? null
      : state === "halted" && shared.halt
        ? `halted, nothing was deleted: ${haltLine(shared.halt)}. ${shared.halt.hint} Only the user can allow it: \`${openclawCommand} sync --force\``
        : state === "needsResync"
          ? `needsResync: bisync needs the user to run \`${openclawCommand} sync --resync\``
          : shared.lastError
            ? `${failureLine(shared.lastError)}${verdict === "retrying" ? "; the service retries it on its own" : ""}`
            : "the cycle did not finish";
  return {
    summary:
      verdict === "done"
        ? `${cycle?.request.dryRun ? "dry run, nothing changed" : "synced"}: ${moved.join("; ") || "nothing to move"}`
        : `sync ${verdict === "retrying" ? "did not finish" : "failed"}: ${problem}`,
    verdict,
    state,
    moved,
    problem,
    conflicts: mode.conflicts(cycle),
    cycle,
  };
}

export const syncNowTool: ToolSpec<z.infer<typeof params>> = {
  name: toolNames.syncNow,
  label: "Sync the workspace now",
  description:
    "Run one sync cycle between this workspace and the user's cloud now and wait for it (up to waitSeconds); says what moved. Requests made during a running cycle are served together by one follow-up cycle: never call this in a loop.",
  params,
  async run(p, scope, tools) {
    const requestId = randomUUID();
    return withWorkspaceUnit(tools, scope, async (unit) => {
      const answered = unit.request({
        type: "syncRequested",
        source: "tool",
        requestId,
        direction: p.direction,
        dryRun: p.dryRun,
      });
      answered.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), p.waitSeconds * 1000);
      });
      const answer = await Promise.race([answered, timedOut]).finally(() => clearTimeout(timer));
      if (answer === null)
        return {
          summary: `the cycle is still running after ${p.waitSeconds} s; it goes on: ask ${toolNames.status} later`,
          verdict: "running",
          requestId,
        };
      return { requestId, ...useMode(scope.loaded.sync.mode, (mode) => described(mode, answer)) };
    });
  },
};
