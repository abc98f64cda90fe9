/**
 * Context for the agent's next turn (`api.session.workflow.enqueueNextTurnInjection`): it reaches the
 * agent when it next runs and never wakes it. A failure to enqueue is logged; it never fails a sync.
 *
 * OpenClaw 2026.9.6 queues a note only into a session it has stored: for a session key with no stored
 * entry (a gateway no one has chatted with yet has no `agent:main:main`) it answers `enqueued: false`
 * with an empty id and keeps nothing. Such a note waits here, in memory, until a session of that
 * workspace starts (`session_start` fires after OpenClaw stored the session), and is queued there.
 */
import { messageOf } from "../util/errors.js";
import type { PluginLogger } from "./api.js";
import type { NextTurnInjectionResult, SessionApi } from "./api-session.js";
import type { NotifyTarget } from "./notify.js";

/** How long a queued note waits for a turn before OpenClaw drops it (a waiting one, before we do). */
export const nextTurnTtlMs = 24 * 60 * 60 * 1000;
/** OpenClaw keeps at most 32 pending notes per plugin and session; no more wait here either. */
export const waitingNotesMax = 32;

export type Workflow = SessionApi["workflow"];

interface Note {
  text: string;
  key: string;
  at: number;
}

/** Queued; already queued under that key (OpenClaw's idempotency); or no stored session to hold it. */
export type TellOutcome = "queued" | "duplicate" | "noSession" | "failed";

export function outcomeOf(result: NextTurnInjectionResult): TellOutcome {
  if (result.enqueued) return "queued";
  return result.id === "" ? "noSession" : "duplicate";
}

export class NextTurnNotes {
  /** Notes OpenClaw had no session for, by workspace, oldest first. */
  readonly #waiting = new Map<string, Note[]>();

  constructor(
    private readonly workflow: () => Workflow,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queue `text` for the next turn of `target`'s session; it waits for a session when there is none. */
  tell(workspace: string, target: NotifyTarget, text: string, key: string, logger: PluginLogger): void {
    void this.#send(workspace, target, { text, key, at: this.now() }, logger);
  }

  /** A session of `workspace` started (OpenClaw stored it first): the notes that waited go to it. */
  sessionStarted(workspace: string, target: NotifyTarget, logger: PluginLogger): void {
    const notes = this.#waiting.get(workspace);
    if (notes === undefined) return;
    this.#waiting.delete(workspace);
    for (const note of notes) void this.#send(workspace, target, note, logger);
  }

  /** How many notes wait for a session of `workspace`. */
  waiting(workspace: string): number {
    return this.#waiting.get(workspace)?.length ?? 0;
  }

  async #send(workspace: string, target: NotifyTarget, note: Note, logger: PluginLogger): Promise<void> {
    const ttlMs = nextTurnTtlMs - (this.now() - note.at);
    if (ttlMs <= 0) return;
    const enqueue = this.workflow()?.enqueueNextTurnInjection;
    if (typeof enqueue !== "function") {
      logger.warn(
        "workspace-sync: this OpenClaw cannot add to the agent's next turn (no enqueueNextTurnInjection)",
      );
      return;
    }
    const agent = target.agentId === undefined ? {} : { agentId: target.agentId };
    const where = `${target.sessionKey}'s next turn (${note.key})`;
    try {
      const result = await enqueue({
        sessionKey: target.sessionKey,
        ...agent,
        text: note.text,
        idempotencyKey: note.key,
        placement: "prepend_context",
        ttlMs,
      });
      const outcome = outcomeOf(result);
      if (outcome === "queued") logger.info(`workspace-sync: noted for ${where}`);
      else if (outcome === "duplicate") logger.info(`workspace-sync: already noted for ${where}`);
      else {
        this.#wait(workspace, note);
        logger.info(
          `workspace-sync: OpenClaw did not queue ${where} (no stored session yet, or prompt injection is off for the plugin); it waits for a session to start`,
        );
      }
    } catch (error) {
      logger.warn(`workspace-sync: could not add to ${where}: ${messageOf(error)}`);
    }
  }

  #wait(workspace: string, note: Note): void {
    const notes = (this.#waiting.get(workspace) ?? []).filter((n) => n.key !== note.key);
    notes.push(note);
    this.#waiting.set(workspace, notes.slice(-waitingNotesMax));
  }
}
