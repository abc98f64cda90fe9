import { defineCommand } from "citty";
import type { MailboxContext } from "../../../machines/mailbox.js";
import type { FileChange } from "../../../machines/outcomes.js";
import type { Direction } from "../../../machines/requests.js";
import { commonArgs, resolveContext, withHost } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { failureLine, statsLine } from "../format.js";
import { createOutput } from "../output.js";
import { createProgressReporter, progressMode } from "../progress.js";
import { stateName } from "../report.js";

const verbs: Record<FileChange["action"], string> = {
  copied: "copy",
  updated: "update",
  deleted: "delete",
  moved: "move",
  renamed: "rename",
};

function directionOf(value: string | undefined): Direction {
  if (value === undefined || value === "") return "both";
  if (value === "push" || value === "pull") return value;
  throw new CliError(`--direction must be push or pull (got "${value}")`, ExitCode.usage);
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
      description: "push: only upload; pull: only drain the outbox",
      valueHint: "push|pull",
    },
    json: { type: "boolean", description: "print the outcome as JSON" },
  },
  async run({ args }) {
    const out = createOutput();
    const direction = directionOf(args.direction);
    const resolved = await resolveContext(args, out);
    await withHost(resolved, out, async (handle) => {
      const dryRun = args["dry-run"] === true;
      const mode = progressMode({ json: args.json === true, isTTY: process.stderr.isTTY });
      const progress = createProgressReporter({ stream: process.stderr, mode });
      // The step the cycle is in (`pushing`, `draining`) labels each progress line.
      const step = () => stateName(handle.host.snapshot.value).split(".").at(-1) ?? "";
      const unwatch =
        mode === "off" ? () => undefined : handle.watchProgress((update) => progress.update(step(), update));
      const { verdict, snapshot, cycle } = await handle
        .requestSync({ source: "cli", direction, dryRun })
        .finally(() => {
          unwatch();
          progress.done();
        });
      const context = snapshot.context as MailboxContext;
      if (args.json) {
        out.json({
          verdict,
          state: stateName(snapshot.value),
          cycle,
          error: context.lastError,
          retryAt: context.retryAt,
        });
      } else if (verdict === "done" && cycle) {
        const label = cycle.request.dryRun ? "dry run (nothing changed)" : "synced";
        out.success(`${label}: ${handle.paths.localDir} <-> ${handle.remoteRoot}`);
        if (cycle.push) {
          out.line(`push   ${statsLine(cycle.push.stats)}`);
          if (cycle.request.dryRun)
            for (const c of cycle.push.changes) out.line(`  would ${verbs[c.action]} ${c.path}`);
        }
        if (cycle.drain) {
          const verb = cycle.request.dryRun ? "would arrive" : "arrived";
          out.line(`drain  ${cycle.drain.arrivals.length} ${verb} in _inbox`);
          for (const name of cycle.drain.arrivals) out.line(`  ${name}`);
          for (const r of cycle.drain.renamed) out.line(`  (${r.from} was taken: kept as ${r.to})`);
        }
      }
      if (verdict !== "done") {
        const reason = context.lastError ? failureLine(context.lastError) : "unknown failure";
        const next = verdict === "retrying" ? "; the next sync or the daemon retries it" : "";
        throw new CliError(`sync ${verdict === "retrying" ? "did not finish" : "failed"}: ${reason}${next}`);
      }
    });
  },
});
