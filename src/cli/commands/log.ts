import { defineCommand } from "citty";
import type { LogRecord } from "../../log/event-log.js";
import { commonArgs, resolveContext } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { formatTimeline } from "../format.js";
import { createOutput } from "../output.js";
import { readHistory } from "../report.js";
import { readRouted } from "../route.js";

function limitOf(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--limit must be a whole number >= 1 (got "${value}")`, ExitCode.usage);
  return n;
}

export const logCommand = defineCommand({
  meta: { name: "log", description: "Show the event history as a timeline (newest last)" },
  args: {
    ...commonArgs,
    json: { type: "boolean", description: "print the records as JSON" },
    limit: { type: "string", description: "how many of the newest events (default 50)", valueHint: "N" },
  },
  async run({ args }) {
    const out = createOutput();
    const limit = limitOf(args.limit);
    const resolved = await resolveContext(args, out);
    const records = await readRouted(
      resolved,
      async (client) =>
        (await client.call<{ records: LogRecord[] }>({ op: "history", workspace: resolved.workspace, limit }))
          .records,
      () => readHistory(resolved, limit),
    );
    if (args.json) out.json(records);
    else
      out.line(records.length === 0 ? "no events yet: run `workspace-sync sync`" : formatTimeline(records));
  },
});
