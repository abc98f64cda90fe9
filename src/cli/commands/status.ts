import { defineCommand } from "citty";
import { commonArgs, resolveContext } from "../context.js";
import { formatStatus } from "../format.js";
import { createOutput } from "../output.js";
import { buildStatus, type StatusReport } from "../report.js";
import { readRouted } from "../route.js";

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Show the sync state, the last cycle and the last error" },
  args: { ...commonArgs, json: { type: "boolean", description: "print as JSON" } },
  async run({ args }) {
    const out = createOutput();
    const resolved = await resolveContext(args, out);
    // The running host answers with its live state; without one, the event log on disk does.
    const report = await readRouted(
      resolved,
      (client) => client.call<StatusReport>({ op: "status", workspace: resolved.workspace }),
      () => buildStatus(resolved),
    );
    if (args.json) out.json(report);
    else out.line(formatStatus(report));
  },
});
