/**
 * The deletion guards' verdict: pure arithmetic over what a one-way sync would do. Halts before
 * damage, like Mutagen's root-emptying protection: an empty (or missing) source that would empty a
 * destination, or a cycle that would delete more than `maxDelete` percent of the destination's files.
 */
import type { Halt } from "../../../machines/outcomes.js";
import { runnable } from "../../util/command.js";

export interface DeletionPlan {
  /** `<source> -> <destination>`, for the message. */
  operation: string;
  /** The source root does not exist at all (rclone: directory not found). */
  sourceMissing: boolean;
  /** Files in the source and the destination, after the sync's filters. */
  sourceFiles: number;
  destinationFiles: number;
  /** Destination files the sync would delete (present there, absent from the source). */
  deletes: number;
}

export function forceHint(): string {
  return `Nothing was deleted. Check the source; if the deletion is intended, run \`${runnable("sync --force")}\`.`;
}

/** The percentage of the destination a plan deletes (0 when the destination is empty). */
export function deletedPercent(plan: Pick<DeletionPlan, "deletes" | "destinationFiles">): number {
  return plan.destinationFiles === 0 ? 0 : (plan.deletes / plan.destinationFiles) * 100;
}

/** The halt a plan trips, or null when it may run. `maxDelete` is a percentage (0-100). */
export function judgeDeletion(plan: DeletionPlan, maxDelete: number): Halt | null {
  if (plan.destinationFiles === 0 || plan.deletes === 0) return null;
  const counts = {
    operation: plan.operation,
    sourceFiles: plan.sourceFiles,
    destinationFiles: plan.destinationFiles,
    deletes: plan.deletes,
  };
  if (plan.sourceMissing || plan.sourceFiles === 0) {
    const what = plan.sourceMissing ? "is missing" : "is empty";
    return {
      reason: "emptySource",
      message: `the source of ${plan.operation} ${what} while the destination holds ${plan.destinationFiles} files: the sync would delete them all`,
      hint: forceHint(),
      ...counts,
    };
  }
  const percent = deletedPercent(plan);
  if (percent > maxDelete) {
    return {
      reason: "bulkDelete",
      message: `${plan.operation} would delete ${plan.deletes} of ${plan.destinationFiles} files (${Math.round(percent)}%), more than maxDelete (${maxDelete}%)`,
      hint: forceHint(),
      ...counts,
    };
  }
  return null;
}
