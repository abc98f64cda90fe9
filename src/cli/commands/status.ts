import { defineCommand } from "citty";
import { commonArgs, resolveContext } from "../context.js";
import { formatStatus } from "../format.js";
import { createOutput } from "../output.js";
import { buildStatus } from "../report.js";

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Show the sync state, the last cycle and the last error" },
  args: { ...commonArgs, json: { type: "boolean", description: "print as JSON" } },
  async run({ args }) {
    const out = createOutput();
    const report = await buildStatus(await resolveContext(args, out));
    if (args.json) out.json(report);
    else out.line(formatStatus(report));
  },
});
