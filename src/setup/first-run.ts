/** The wizard's last step: a dry run of the first sync with the new config, so nothing changes yet. */

import type { Resolved } from "../cli/context.js";
import { withHost } from "../cli/context.js";
import { cycleLines } from "../cli/cycle-format.js";
import { failureLine } from "../cli/format.js";
import type { Output } from "../cli/output.js";
import type { AnyCycleContext } from "../runtime/workspace/start.js";

export async function firstDryRun(resolved: Resolved, out: Output, env: NodeJS.ProcessEnv): Promise<boolean> {
  return withHost(
    resolved,
    out,
    async (handle) => {
      const { verdict, snapshot, cycle } = await handle.requestSync({
        source: "cli",
        direction: "both",
        dryRun: true,
      });
      if (verdict !== "done" || !cycle) {
        const error = (snapshot.context as AnyCycleContext).lastError;
        out.warn(`the dry run failed: ${error ? failureLine(error) : "unknown failure"}`);
        return false;
      }
      out.line(`dry run (nothing changed): ${handle.paths.localDir} <-> ${handle.remoteRoot}`);
      for (const line of cycleLines(cycle)) out.line(`  ${line}`);
      out.line("Run `workspace-sync sync` for the real first sync.");
      return true;
    },
    env,
  );
}
