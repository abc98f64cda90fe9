import { defineCommand } from "citty";
import type { MailboxContext, MailboxCycleRecord } from "../../../machines/mailbox.js";
import type { FileChange } from "../../../machines/outcomes.js";
import type { Direction } from "../../../machines/requests.js";
import type { HostClient } from "../../ipc/client.js";
import type { SendResult } from "../../ipc/protocol.js";
import { workspacePaths } from "../../paths.js";
import { remoteSpec } from "../../rclone/remote.js";
import { commonArgs, type Resolved, resolveContext, withHost } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { failureLine, statsLine } from "../format.js";
import { createOutput, type Output } from "../output.js";
import { stateName } from "../report.js";
import { routed } from "../route.js";

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

/** What one sync came to, whichever host ran it. */
interface SyncOutcome {
  verdict: SendResult["verdict"];
  state: unknown;
  context: MailboxContext;
  cycle: MailboxCycleRecord | null;
}

interface SyncAsk {
  direction: Direction;
  dryRun: boolean;
  /** Print each event the host processes (stderr) while waiting. */
  progress: boolean;
}

async function viaHost(
  client: HostClient,
  resolved: Resolved,
  ask: SyncAsk,
  out: Output,
): Promise<SyncOutcome> {
  const result = await client.call<SendResult>(
    {
      op: "send",
      workspace: resolved.workspace,
      event: { type: "syncRequested", source: "cli", direction: ask.direction, dryRun: ask.dryRun },
      wait: true,
      progress: ask.progress,
    },
    { onStream: (t) => out.progress(`${t.event.type} → ${stateName(t.state)}`) },
  );
  return {
    verdict: result.verdict,
    state: result.state,
    context: result.context as MailboxContext,
    cycle: result.cycle as MailboxCycleRecord | null,
  };
}

function oneShot(resolved: Resolved, ask: SyncAsk, out: Output): Promise<SyncOutcome> {
  return withHost(resolved, out, async (handle) => {
    const { verdict, snapshot, cycle } = await handle.requestSync({
      source: "cli",
      direction: ask.direction,
      dryRun: ask.dryRun,
    });
    return { verdict, state: snapshot.value, context: snapshot.context as MailboxContext, cycle };
  });
}

function report(outcome: SyncOutcome, resolved: Resolved, json: boolean, out: Output): void {
  const { verdict, context, cycle } = outcome;
  if (json) {
    out.json({
      verdict,
      state: stateName(outcome.state),
      cycle,
      error: context.lastError,
      retryAt: context.retryAt,
    });
  } else if (verdict === "done" && cycle) {
    const sync = resolved.loaded.sync;
    const localDir = workspacePaths(resolved.stateDir, resolved.workspace, sync.localPath).localDir;
    const label = cycle.request.dryRun ? "dry run (nothing changed)" : "synced";
    out.success(`${label}: ${localDir} <-> ${remoteSpec(sync.remoteName, sync.remotePath)}`);
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
    const ask: SyncAsk = {
      direction: directionOf(args.direction),
      dryRun: args["dry-run"] === true,
      progress: args.json !== true && process.stderr.isTTY === true,
    };
    const resolved = await resolveContext(args, out);
    const outcome = await routed(
      resolved,
      (client) => viaHost(client, resolved, ask, out),
      () => oneShot(resolved, ask, out),
    );
    report(outcome, resolved, args.json === true, out);
  },
});
