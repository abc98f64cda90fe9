/**
 * What a failed bisync run means for the machine: bisync's safety aborts become halts, lost listings
 * become `needs-resync` with the exact command to run, retryable aborts stay retryable.
 */
import type { FailureReason, Halt } from "../../../machines/outcomes.js";
import { forceHint } from "../../effects/guards/judge.js";
import { runnable } from "../../util/command.js";

/** The command that resyncs, as the person runs it where they are. */
function resyncCommand(): string {
  return runnable("sync --resync");
}

export const resyncExplained =
  "`--resync` rebuilds bisync's listings from both sides as they are now: a file on one side only is copied to the other, and where both sides hold a file that differs, the remote's copy keeps the name and the local one is kept beside it as `<name>.conflict<N>`. Nothing is deleted.";

export function firstRunFailure(): FailureReason {
  return {
    kind: "needs-resync",
    message: "bisync has not run on this workspace yet: it has no listings to compare the two sides against",
    hint: `${resyncExplained} Preview it with \`${resyncCommand()} --dry-run\`, then run \`${resyncCommand()}\`.`,
  };
}

export type BisyncFailure = { halt: Halt } | { error: FailureReason };

function counts(message: string): Pick<Halt, "deletes" | "destinationFiles"> {
  const match = /(\d+) of (\d+)/.exec(message);
  return match ? { deletes: Number(match[1]), destinationFiles: Number(match[2]) } : {};
}

export function interpretBisyncFailure(failure: FailureReason): BisyncFailure {
  const text = `${failure.message} ${failure.hint ?? ""}`;
  if (/too many deletes/i.test(text)) {
    return {
      halt: {
        reason: "bulkDelete",
        message: `bisync stopped: ${failure.message}`,
        hint: forceHint(),
        operation: "bisync",
        ...counts(failure.message),
      },
    };
  }
  if (/all files were changed/i.test(text)) {
    return {
      halt: {
        reason: "allChanged",
        message: `bisync stopped: ${failure.message}`,
        hint: forceHint(),
        operation: "bisync",
      },
    };
  }
  if (failure.kind === "needs-resync" || /must run --resync/i.test(text)) {
    return {
      error: {
        ...failure,
        kind: "needs-resync",
        hint: `bisync cannot trust its listings any more. Check both sides, then run \`${resyncCommand()}\` (preview: \`${resyncCommand()} --dry-run\`). ${resyncExplained}`,
      },
    };
  }
  // rclone >= 1.66 with --resilient says when a plain retry is enough.
  if (/retryable without --resync/i.test(text)) return { error: { ...failure, kind: "retryable" } };
  return { error: failure };
}
