import { defineCommand } from "citty";
import type { Conflict, FailureReason, Halt } from "../../../machines/outcomes.js";
import type { Direction } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import { routed } from "../../daemon/route.js";
import type { HostClient } from "../../ipc/client.js";
import type { SendResult } from "../../ipc/protocol.js";
import { workspacePaths } from "../../paths.js";
import { remoteSpec } from "../../rclone/remote.js";
import type { AnyCycleContext } from "../../runtime/workspace/start.js";
import { remotePrefix, stateName } from "../../runtime/workspace/status.js";
import { commonArgs, type Resolved, resolveContext, withHost } from "../context.js";
import { cycleLines, haltLine, resyncCommandFor } from "../cycle-format.js";
import { CliError, ExitCode } from "../errors.js";
import { failureLine } from "../format.js";
import { createOutput, type Output } from "../output.js";
import { createProgressReporter, type ProgressReporter, progressMode } from "../progress.js";

function directionOf(value: string | undefined): Direction {
  if (value === undefined || value === "") return "both";
  if (value === "push" || value === "pull") return value;
  throw new CliError(`--direction must be push or pull (got "${value}")`, ExitCode.usage);
}

/** `--resync` rebuilds bisync's listings: refused, with the reason, where it means nothing. */
function checkResync(resync: boolean, direction: Direction, mode: SyncConfig["mode"]): void {
  if (!resync) return;
  if (mode !== "bisync") {
    throw new CliError(
      `--resync only applies to mode "bisync" (this workspace uses mode "${mode}", which keeps no bisync listings)`,
      ExitCode.usage,
    );
  }
  if (direction !== "both") {
    throw new CliError(
      "--resync cannot be combined with --direction: a resync runs bisync itself",
      ExitCode.usage,
    );
  }
}

type ModeContext = AnyCycleContext & { resyncNeeded?: FailureReason | null };

function conflictsOf(cycle: unknown): Conflict[] {
  const bisync = (cycle as { bisync?: { conflicts?: Conflict[] } | null } | null)?.bisync;
  return bisync?.conflicts ?? [];
}

/** What one sync came to, whichever host ran it. */
interface SyncOutcome {
  verdict: SendResult["verdict"];
  state: unknown;
  context: ModeContext;
  cycle: Parameters<typeof cycleLines>[0] | null;
}

interface SyncAsk {
  direction: Direction;
  dryRun: boolean;
  force: boolean;
  resync: boolean;
}

function requestOf(ask: SyncAsk) {
  return {
    source: "cli" as const,
    direction: ask.direction,
    dryRun: ask.dryRun,
    ...(ask.force ? { force: true } : {}),
    ...(ask.resync ? { resync: true } : {}),
  };
}

/** The step a state is in (`pushing`, `draining`), which labels each progress line. */
const stepOf = (state: unknown) => stateName(state).split(".").at(-1) ?? "";

async function viaHost(
  client: HostClient,
  resolved: Resolved,
  ask: SyncAsk,
  progress: ProgressReporter | null,
): Promise<SyncOutcome> {
  let step = "";
  const result = await client.call<SendResult>(
    {
      op: "send",
      workspace: resolved.workspace,
      event: { type: "syncRequested", ...requestOf(ask) },
      wait: true,
      progress: progress !== null,
    },
    {
      onStream: (t) => {
        step = stepOf(t.state);
      },
      onStats: (stats) => progress?.update(step, stats),
    },
  );
  return {
    verdict: result.verdict,
    state: result.state,
    context: result.context as ModeContext,
    cycle: result.cycle as SyncOutcome["cycle"],
  };
}

function oneShot(
  resolved: Resolved,
  ask: SyncAsk,
  out: Output,
  progress: ProgressReporter | null,
): Promise<SyncOutcome> {
  return withHost(resolved, out, async (handle) => {
    const step = () => stepOf(handle.host.snapshot.value);
    const unwatch = progress ? handle.watchProgress((update) => progress.update(step(), update)) : () => {};
    try {
      const { verdict, snapshot, cycle } = await handle.requestSync(requestOf(ask));
      return {
        verdict,
        state: snapshot.value,
        context: snapshot.context as ModeContext,
        cycle: cycle as SyncOutcome["cycle"],
      };
    } finally {
      unwatch();
    }
  });
}

/** `<localDir> <-> <remote:path>` as the config places them (an S3 bucket included). */
function endpoints(resolved: Resolved): string {
  const sync = resolved.loaded.sync;
  const localDir = workspacePaths(resolved.stateDir, resolved.workspace, sync.localPath).localDir;
  return `${localDir} <-> ${remoteSpec(sync.remoteName, [...remotePrefix(resolved), sync.remotePath])}`;
}

function report(outcome: SyncOutcome, resolved: Resolved, json: boolean, out: Output): void {
  const { verdict, context, cycle } = outcome;
  const state = stateName(outcome.state);
  const halt: Halt | null = state === "halted" ? (context.halt ?? null) : null;
  const resyncNeeded = state === "needsResync" ? (context.resyncNeeded ?? null) : null;
  if (json) {
    out.json({
      verdict,
      state,
      cycle,
      conflicts: conflictsOf(cycle),
      halt,
      resyncNeeded: resyncNeeded && { ...resyncNeeded, command: resyncCommandFor(resolved) },
      error: context.lastError,
      retryAt: context.retryAt,
    });
  } else if (verdict === "done" && cycle) {
    const label = cycle.request.dryRun ? "dry run (nothing changed)" : "synced";
    out.success(`${label}: ${endpoints(resolved)}`);
    for (const line of cycleLines(cycle)) out.line(line);
  }
  if (halt !== null && verdict !== "done") {
    throw new CliError(`sync halted, nothing was deleted: ${haltLine(halt)}. ${halt.hint}`);
  }
  if (resyncNeeded !== null && verdict !== "done") {
    throw new CliError(
      `sync needs --resync: ${resyncNeeded.message}. ${resyncNeeded.hint ?? ""} Run: ${resyncCommandFor(resolved)}`,
    );
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
      description:
        "a one-shot one-way sync for this run (mirror, bisync); in mailbox mode: push only uploads, pull only drains",
      valueHint: "push|pull",
    },
    force: {
      type: "boolean",
      description:
        "go past a deletion guard (empty source, more than maxDelete percent deleted) for this run",
    },
    resync: {
      type: "boolean",
      description: "bisync only: rebuild bisync's listings from both sides (status says when it is needed)",
    },
    json: { type: "boolean", description: "print the outcome as JSON" },
  },
  async run({ args }) {
    const out = createOutput();
    const ask: SyncAsk = {
      direction: directionOf(args.direction),
      dryRun: args["dry-run"] === true,
      force: args.force === true,
      resync: args.resync === true,
    };
    const resolved = await resolveContext(args, out);
    checkResync(ask.resync, ask.direction, resolved.loaded.sync.mode);
    const mode = progressMode({ json: args.json === true, isTTY: process.stderr.isTTY });
    const progress = mode === "off" ? null : createProgressReporter({ stream: process.stderr, mode });
    const outcome = await routed(
      resolved,
      (client) => viaHost(client, resolved, ask, progress),
      () => oneShot(resolved, ask, out, progress),
    ).finally(() => progress?.done());
    report(outcome, resolved, args.json === true, out);
  },
});
