/** The wizard's last step: a dry run of the first sync with the new config, so nothing changes yet. */
import type { MailboxContext } from "../../machines/mailbox.js";
import type { Resolved } from "../cli/context.js";
import { withHost } from "../cli/context.js";
import { failureLine, statsLine } from "../cli/format.js";
import type { Output } from "../cli/output.js";

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
        const error = (snapshot.context as MailboxContext).lastError;
        out.warn(`the dry run failed: ${error ? failureLine(error) : "unknown failure"}`);
        return false;
      }
      out.line(`dry run (nothing changed): ${handle.paths.localDir} <-> ${handle.remoteRoot}`);
      if (cycle.push) {
        out.line(`  push   would: ${statsLine(cycle.push.stats)}`);
        for (const change of cycle.push.changes.slice(0, 20)) out.line(`    ${change.action} ${change.path}`);
        if (cycle.push.changes.length > 20) out.line(`    ... and ${cycle.push.changes.length - 20} more`);
      }
      if (cycle.drain) out.line(`  drain  ${cycle.drain.arrivals.length} would arrive in _inbox`);
      out.line("Run `workspace-sync sync` for the real first sync.");
      return true;
    },
    env,
  );
}
