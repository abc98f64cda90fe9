import { defineCommand } from "citty";
import { readRouted } from "../../daemon/route.js";
import type { LogRecord } from "../../log/event-log.js";
import { readHistory } from "../../runtime/workspace/status.js";
import { runnable } from "../../util/command.js";
import { isoTimes } from "../../util/time.js";
import { commonArgs, resolveScope } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput } from "../output.js";
import { filterRecords, formatCompactTimeline, type LogFilter, parseSince } from "../timeline.js";

function limitOf(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--limit must be a whole number >= 1 (got "${value}")`, ExitCode.usage);
  return n;
}

export const logCommand = defineCommand({
  meta: { name: "log", description: "Show the event history as a compact timeline (newest last)" },
  args: {
    ...commonArgs,
    json: { type: "boolean", description: "print the records as JSON" },
    limit: {
      type: "string",
      description: "how many of the newest matching events (default 50)",
      valueHint: "N",
    },
    since: {
      type: "string",
      description:
        "only events since a duration ago (30s, 10m, 2h, 3d, 1w) or a date/time (2026-11-21T10:00)",
      valueHint: "WHEN",
    },
    state: {
      type: "string",
      description: "only events that led to this state or one inside it (idle, running, pushing, failed...)",
      valueHint: "STATE",
    },
    errors: { type: "boolean", description: "only events that report a failure" },
    utc: { type: "boolean", description: "times in UTC (default: local time)" },
  },
  async run({ args }) {
    const out = createOutput();
    const limit = limitOf(args.limit);
    const filter: LogFilter = {
      ...(args.since === undefined ? {} : { since: parseSince(args.since) }),
      ...(args.state === undefined || args.state === "" ? {} : { state: args.state }),
      ...(args.errors === true ? { errors: true } : {}),
    };
    const filtered = Object.keys(filter).length > 0;
    const resolved = await resolveScope(args, out);
    // Unfiltered: the newest N (and the one before, for the first one's duration); filtered: all, then N.
    // The host answers at most 10,000 records a request: the newest, which is what a filter looks through.
    const wanted = filtered ? 10_000 : limit + 1;
    const read = await readRouted(
      resolved,
      async (client) =>
        (
          await client.call<{ records: LogRecord[] }>({
            op: "history",
            workspace: resolved.workspace,
            limit: wanted,
          })
        ).records,
      () => readHistory(resolved, wanted),
    );
    const matching = filtered ? filterRecords(read, filter) : read;
    const records = matching.slice(-limit);
    if (args.json) {
      // The log keeps epoch numbers; JSON for readers carries ISO 8601.
      out.json(isoTimes(records));
      return;
    }
    if (records.length === 0) {
      out.line(read.length === 0 ? `no events yet: run \`${runnable("sync")}\`` : "no events match");
      return;
    }
    out.line(formatCompactTimeline(records, read, { utc: args.utc === true }));
  },
});
