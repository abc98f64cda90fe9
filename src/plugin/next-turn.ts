/**
 * Context for the agent's next turn (`api.session.workflow.enqueueNextTurnInjection`): it reaches the
 * agent when it next runs and never wakes it. A failure to enqueue is logged; it never fails a sync.
 *
 * OpenClaw 2026.9.6 queues a note only into a session it has stored: for a session key with no stored
 * entry (a gateway no one has chatted with yet has no `agent:main:main`) it answers `enqueued: false`
 * with an empty id and keeps nothing. Such a note waits here until a session of that workspace starts
 * (`session_start` fires after OpenClaw stored the session), and is queued there. Once `open` gave it a
 * store, waiting notes are also kept on disk (`waiting-notes.ts`): a note stays there until OpenClaw has
 * it, so a gateway restart (or a crash) loses none; after one, the notes are tried again at once and at
 * the next session start.
 */
import { messageOf } from "../util/errors.js";
import type { PluginLogger } from "./api.js";
import type { NextTurnInjectionResult, SessionApi } from "./api-session.js";
import type { NotifyTarget } from "./notify.js";
import {
  keepable,
  listed,
  type Note,
  type NotesStore,
  nextTurnTtlMs,
  type WaitingNote,
  waitingNotesMax,
} from "./waiting-notes.js";

export type Workflow = SessionApi["workflow"];

/** Queued; already queued under that key (OpenClaw's idempotency); or no stored session to hold it. */
export type TellOutcome = "queued" | "duplicate" | "noSession" | "failed";

export function outcomeOf(result: NextTurnInjectionResult): TellOutcome {
  if (result.enqueued) return "queued";
  return result.id === "" ? "noSession" : "duplicate";
}

/** What became of one attempt: besides OpenClaw's answers, too old to send, or no way to send. */
type Attempt = TellOutcome | "expired" | "unsupported";

export class NextTurnNotes {
  /** Notes OpenClaw had no session for, by workspace, oldest first. */
  readonly #waiting = new Map<string, Note[]>();
  /**
   * Notes being handed to OpenClaw now, by `workspace\nkey` (one attempt at a time each), with the session
   * that started meanwhile: should OpenClaw answer "no session", the note is tried again there.
   */
  readonly #sending = new Map<string, NotifyTarget | null>();
  #store: NotesStore | null = null;
  /** The chain of writes to the store: each writes the notes waiting when it runs. */
  #saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly workflow: () => Workflow,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Keep waiting notes in `store` from now on. The notes it kept from an earlier run join those waiting
   * here (one per key, the day counted from when each was first told), and every one is tried at once
   * (`targetFor` names where): a session may exist by now; those still without one wait on.
   */
  async open(store: NotesStore, targetFor: (workspace: string) => NotifyTarget, logger: PluginLogger) {
    this.#store = store;
    let kept: WaitingNote[] = [];
    try {
      kept = await store.load();
    } catch (error) {
      logger.warn(`workspace-sync: could not read the waiting next-turn notes: ${messageOf(error)}`);
    }
    const here = listed(this.#waiting);
    const merged = keepable([...kept, ...here], this.now());
    this.#waiting.clear();
    for (const [workspace, notes] of merged) this.#waiting.set(workspace, notes);
    if (kept.length > 0 || here.length > 0) this.#persist(logger); // nothing waits: no file
    if (kept.length > 0)
      logger.info(`workspace-sync: ${kept.length} next-turn note(s) still wait for a session`);
    for (const workspace of merged.keys()) this.sessionStarted(workspace, targetFor(workspace), logger);
  }

  /** Resolves once every change so far is in the store. */
  settled(): Promise<void> {
    return this.#saving;
  }

  /**
   * Stop writing to the store (the service stops; another instance may take the file over) once the
   * writes under way are done. Attempts still under way change only this instance's memory: the file
   * keeps every note until OpenClaw has it, so the next `open` finds them.
   */
  async close(): Promise<void> {
    this.#store = null;
    await this.#saving;
  }

  /** Queue `text` for the next turn of `target`'s session; it waits for a session when there is none. */
  tell(workspace: string, target: NotifyTarget, text: string, key: string, logger: PluginLogger): void {
    this.#deliver(workspace, target, { text, key, at: this.now() }, logger);
  }

  /** A session of `workspace` started (OpenClaw stored it first): the notes that waited go to it. */
  sessionStarted(workspace: string, target: NotifyTarget, logger: PluginLogger): void {
    const waiting = this.waiting(workspace);
    if (waiting > 0)
      logger.info(`workspace-sync: ${target.sessionKey}: ${waiting} waiting next-turn note(s) tried`);
    // A note under way when the session started is tried here again should OpenClaw answer "no session".
    for (const id of this.#sending.keys()) if (id.startsWith(`${workspace}\n`)) this.#sending.set(id, target);
    for (const note of this.#waiting.get(workspace) ?? []) this.#deliver(workspace, target, note, logger);
  }

  /** How many notes wait for a session of `workspace`. */
  waiting(workspace: string): number {
    return this.#waiting.get(workspace)?.length ?? 0;
  }

  /** Hand a note to OpenClaw; it waits (kept) while OpenClaw has no session for it, and is let go after. */
  #deliver(workspace: string, target: NotifyTarget, note: Note, logger: PluginLogger): void {
    const id = `${workspace}\n${note.key}`;
    if (this.#sending.has(id)) return;
    this.#sending.set(id, null);
    void this.#send(target, note, logger).then((attempt) => {
      const started = this.#sending.get(id) ?? null;
      this.#sending.delete(id);
      if (attempt === "noSession" && started !== null) this.#deliver(workspace, started, note, logger);
      else if (attempt === "noSession") this.#wait(workspace, note, logger);
      else if (attempt !== "failed") this.#forget(workspace, note.key, logger); // "failed": as it was
    });
  }

  async #send(target: NotifyTarget, note: Note, logger: PluginLogger): Promise<Attempt> {
    const ttlMs = nextTurnTtlMs - (this.now() - note.at);
    if (ttlMs <= 0) return "expired";
    const enqueue = this.workflow()?.enqueueNextTurnInjection;
    if (typeof enqueue !== "function") {
      logger.warn(
        "workspace-sync: this OpenClaw cannot add to the agent's next turn (no enqueueNextTurnInjection)",
      );
      return "unsupported";
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
      else
        logger.info(
          `workspace-sync: OpenClaw did not queue ${where} (no stored session yet, or prompt injection is off for the plugin); it waits for a session to start`,
        );
      return outcome;
    } catch (error) {
      logger.warn(`workspace-sync: could not add to ${where}: ${messageOf(error)}`);
      return "failed";
    }
  }

  #wait(workspace: string, note: Note, logger: PluginLogger): void {
    const notes = this.#waiting.get(workspace) ?? [];
    if (notes.some((n) => n.key === note.key)) return; // it waits already: one per key
    this.#waiting.set(workspace, [...notes, note].slice(-waitingNotesMax));
    this.#persist(logger);
  }

  #forget(workspace: string, key: string, logger: PluginLogger): void {
    const notes = this.#waiting.get(workspace);
    if (notes === undefined || !notes.some((n) => n.key === key)) return;
    const rest = notes.filter((n) => n.key !== key);
    if (rest.length === 0) this.#waiting.delete(workspace);
    else this.#waiting.set(workspace, rest);
    this.#persist(logger);
  }

  /** Write the notes waiting now (those still within their day) to the store, after any write under way. */
  #persist(logger: PluginLogger): void {
    const store = this.#store;
    if (store === null) return;
    this.#saving = this.#saving
      .then(() => store.save(listed(this.#waiting).filter((n) => this.now() - n.at < nextTurnTtlMs)))
      .catch((error: unknown) =>
        logger.warn(`workspace-sync: could not keep the waiting next-turn notes: ${messageOf(error)}`),
      );
  }
}
