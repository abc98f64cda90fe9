/**
 * `notifyOnInbox`: after a drain brought files, wake the agent once with a system event naming them.
 * A failure to notify is logged; it never fails the sync.
 */
import { messageOf } from "../util/errors.js";
import type { PluginLogger, PluginRuntime } from "./api.js";

/** How many names the message lists before "and N more". */
export const namedArrivals = 5;

export function inboxMessage(arrivals: readonly string[]): string {
  const shown = arrivals.slice(0, namedArrivals).join(", ");
  const more = arrivals.length > namedArrivals ? ` and ${arrivals.length - namedArrivals} more` : "";
  const count = arrivals.length === 1 ? "1 new file" : `${arrivals.length} new files`;
  return `workspace-sync: ${count} arrived in the workspace _inbox: ${shown}${more}.`;
}

export interface NotifyTarget {
  sessionKey: string;
  agentId?: string | undefined;
}

/** The session a notification goes to when no hook has named one: the agent's main session. */
export function mainSessionKey(agentId: string): string {
  return `agent:${agentId.trim().toLowerCase() || "main"}:main`;
}

/** Where notes about a workspace go: the last session a hook named there, else its agent's main session. */
export class SessionTargets {
  readonly #sessions = new Map<string, NotifyTarget>();
  /** The agent a hook last named for a workspace: without a live session, its main session is told. */
  readonly #agents = new Map<string, string>();

  /** A session hook for `workspace`; on a session start, the session it names (now the target). */
  seen(
    hook: "session_start" | "session_end",
    workspace: string,
    ctx: { agentId?: string | undefined; sessionKey?: string | undefined },
  ): NotifyTarget | null {
    if (ctx.agentId) this.#agents.set(workspace, ctx.agentId);
    if (hook === "session_end") this.#sessions.delete(workspace);
    if (hook !== "session_start" || !ctx.sessionKey) return null;
    const target = { sessionKey: ctx.sessionKey, agentId: ctx.agentId };
    this.#sessions.set(workspace, target);
    return target;
  }

  for(workspace: string): NotifyTarget {
    const agentId = this.#agents.get(workspace) ?? "main";
    return this.#sessions.get(workspace) ?? { sessionKey: mainSessionKey(agentId), agentId };
  }
}

export function notifyInbox(
  system: PluginRuntime["system"] | undefined,
  target: NotifyTarget,
  arrivals: readonly string[],
  logger: PluginLogger,
): boolean {
  const reason = "workspace-sync: files arrived in _inbox";
  try {
    if (!system) throw new Error("the host offers no runtime.system");
    const agent = target.agentId === undefined ? {} : { agentId: target.agentId };
    system.enqueueSystemEvent(inboxMessage(arrivals), { sessionKey: target.sessionKey, ...agent });
    if (typeof system.requestHeartbeat === "function") {
      system.requestHeartbeat({
        source: "other",
        intent: "event",
        reason,
        sessionKey: target.sessionKey,
        ...agent,
      });
    } else if (typeof system.requestHeartbeatNow === "function") {
      system.requestHeartbeatNow({ reason, sessionKey: target.sessionKey, ...agent });
    } else {
      throw new Error("the host offers neither requestHeartbeat nor requestHeartbeatNow");
    }
    return true;
  } catch (error) {
    logger.warn(
      `workspace-sync: could not notify the agent of ${arrivals.length} new file(s): ${messageOf(error)}`,
    );
    return false;
  }
}
