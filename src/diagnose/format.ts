/** The diagnosis as lines for people: one per check, `✔`/`✗`/`-`, the fix under a failure. */
import type { Check } from "./chain.js";

export function checkLine(c: Check): string {
  const mark = c.ok === true ? "✔" : c.ok === false ? "✗" : "-";
  return `${mark} ${c.label.padEnd(20)} ${c.detail}`;
}

/** The failed check as one line (for stderr and the exit message). */
export function failureLine(c: Check): string {
  return `✗ ${c.label}: ${c.detail}${c.fix ? ` — fix: ${c.fix}` : ""}`;
}
