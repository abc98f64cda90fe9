/** A cycle step's lines, as every mode prints them: its stats, and in a dry run what it would change. */
import type { FileChange, TransferOutcome } from "../../machines/outcomes.js";
import { statsLine } from "../util/text.js";

const verbs: Record<FileChange["action"], string> = {
  copied: "copy",
  updated: "update",
  deleted: "delete",
  moved: "move",
  renamed: "rename",
};

export function stepLines(label: string, step: TransferOutcome | null, dryRun: boolean): string[] {
  if (step === null) return [];
  const lines = [`${label.padEnd(6)} ${statsLine(step.stats, dryRun)}`];
  if (step.note !== undefined) lines.push(`  ${step.note}`);
  if (dryRun) for (const c of step.changes) lines.push(`  would ${verbs[c.action]} ${c.path}`);
  if (dryRun && step.changeCount > step.changes.length)
    lines.push(`  ... and ${step.changeCount - step.changes.length} more`);
  return lines;
}
