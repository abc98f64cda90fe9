/** Where the cycle serving a request stands, read from a sync machine's snapshot. */
import type { SyncContext } from "../../modes/types.js";
import type { Verdict } from "../unit.js";

/** What the verdict reads of a snapshot: its shared cycle context, and which state it is in. */
export interface SyncSnapshot {
  context: SyncContext;
  matches(state: "failed" | "halted" | "needsResync" | "recovering"): boolean;
}

/**
 * Where the cycle serving `requestId` stands in this snapshot, or null while it is still to come.
 * A served request is recognised even when a coalesced follow-up cycle already runs.
 */
export function verdictFor(snapshot: SyncSnapshot, requestId: string): Verdict | null {
  const { context } = snapshot;
  if (context.pending?.requestIds.includes(requestId)) return null;
  if (context.current?.requestIds.includes(requestId)) {
    // A halt (a deletion guard) and a needed resync wait for a person: the request failed.
    if (snapshot.matches("failed") || snapshot.matches("halted") || snapshot.matches("needsResync")) {
      return "failed";
    }
    if (snapshot.matches("recovering")) return "retrying";
    return null;
  }
  const served = [context.lastCycle, context.lastDryRun].some((c) =>
    c?.request.requestIds.includes(requestId),
  );
  return served ? "done" : null;
}
