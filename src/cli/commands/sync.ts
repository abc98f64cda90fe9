import { defineCommand } from "citty";
import type { Conflict, FailureReason, Halt } from "../../../machines/outcomes.js";
import type { Direction } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import type { AnyCycleContext } from "../../host/workspace.js";
import { commonArgs, resolveContext, withHost } from "../context.js";
import { cycleLines, haltLine, resyncCommandFor } from "../cycle-format.js";
import { CliError, ExitCode } from "../errors.js";
import { failureLine } from "../format.js";
import { createOutput } from "../output.js";
import { createProgressReporter, progressMode } from "../progress.js";
import { stateName } from "../report.js";

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
    const direction = directionOf(args.direction);
    const resolved = await resolveContext(args, out);
    const resync = args.resync === true;
    checkResync(resync, direction, resolved.loaded.sync.mode);
    await withHost(resolved, out, async (handle) => {
      const dryRun = args["dry-run"] === true;
      const force = args.force === true;
      const mode = progressMode({ json: args.json === true, isTTY: process.stderr.isTTY });
      const progress = createProgressReporter({ stream: process.stderr, mode });
      // The step the cycle is in (`pushing`, `draining`) labels each progress line.
      const step = () => stateName(handle.host.snapshot.value).split(".").at(-1) ?? "";
      const unwatch =
        mode === "off" ? () => undefined : handle.watchProgress((update) => progress.update(step(), update));
      const { verdict, snapshot, cycle } = await handle
        .requestSync({
          source: "cli",
          direction,
          dryRun,
          ...(force ? { force } : {}),
          ...(resync ? { resync } : {}),
        })
        .finally(() => {
          unwatch();
          progress.done();
        });
      const context = snapshot.context as ModeContext;
      const halt: Halt | null = snapshot.matches("halted") ? (context.halt ?? null) : null;
      const resyncNeeded = snapshot.matches("needsResync") ? (context.resyncNeeded ?? null) : null;
      if (args.json) {
        out.json({
          verdict,
          state: stateName(snapshot.value),
          cycle,
          conflicts: conflictsOf(cycle),
          halt,
          resyncNeeded: resyncNeeded && { ...resyncNeeded, command: resyncCommandFor(resolved) },
          error: context.lastError,
          retryAt: context.retryAt,
        });
      } else if (verdict === "done" && cycle) {
        const label = cycle.request.dryRun ? "dry run (nothing changed)" : "synced";
        out.success(`${label}: ${handle.paths.localDir} <-> ${handle.remoteRoot}`);
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
    });
  },
});
