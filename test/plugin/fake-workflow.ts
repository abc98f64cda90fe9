/** A stand-in for OpenClaw's `session.workflow` that answers as OpenClaw 2026.9.6 does. */
import type { NextTurnInjection, NextTurnInjectionResult } from "../../src/plugin/api-session.js";

/**
 * A note for a session OpenClaw has not stored is not queued, with an empty id; a key already pending is
 * a duplicate (not queued, its id). `fail` makes the next calls throw.
 */
export function openclawLike(stored: Set<string>) {
  const queued: NextTurnInjection[] = [];
  const state = { fail: false, calls: 0 };
  const workflow = {
    enqueueNextTurnInjection: async (injection: NextTurnInjection): Promise<NextTurnInjectionResult> => {
      state.calls++;
      if (state.fail) throw new Error("the session store is busy");
      if (!stored.has(injection.sessionKey))
        return { enqueued: false, id: "", sessionKey: injection.sessionKey };
      const duplicate = queued.some((q) => q.idempotencyKey === injection.idempotencyKey);
      if (!duplicate) queued.push(injection);
      return {
        enqueued: !duplicate,
        id: injection.idempotencyKey ?? "x",
        sessionKey: injection.sessionKey,
      };
    },
  };
  return { workflow, queued, state };
}
