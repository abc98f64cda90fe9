/**
 * Context for the agent's next turn (`api.session.workflow.enqueueNextTurnInjection`): it reaches the
 * agent when it next runs and never wakes it. A failure to enqueue is logged; it never fails a sync.
 */
import { messageOf } from "../util/errors.js";
import type { PluginLogger } from "./api.js";
import type { SessionApi } from "./api-session.js";
import type { NotifyTarget } from "./notify.js";

/** How long a queued note waits for a turn before OpenClaw drops it. */
export const nextTurnTtlMs = 24 * 60 * 60 * 1000;

export type Workflow = SessionApi["workflow"];

export function tellNextTurn(
  workflow: Workflow,
  target: NotifyTarget,
  text: string,
  key: string,
  logger: PluginLogger,
): void {
  const enqueue = workflow?.enqueueNextTurnInjection;
  if (typeof enqueue !== "function") {
    logger.warn(
      "workspace-sync: this OpenClaw cannot add to the agent's next turn (no enqueueNextTurnInjection)",
    );
    return;
  }
  const agent = target.agentId === undefined ? {} : { agentId: target.agentId };
  enqueue({
    sessionKey: target.sessionKey,
    ...agent,
    text,
    idempotencyKey: key,
    placement: "prepend_context",
    ttlMs: nextTurnTtlMs,
  })
    .then((result) => {
      if (result.enqueued) logger.info(`workspace-sync: noted for ${target.sessionKey}'s next turn (${key})`);
      else logger.warn(`workspace-sync: OpenClaw did not queue the note for ${target.sessionKey} (${key})`);
    })
    .catch((error: unknown) =>
      logger.warn(`workspace-sync: could not add to ${target.sessionKey}'s next turn: ${messageOf(error)}`),
    );
}
