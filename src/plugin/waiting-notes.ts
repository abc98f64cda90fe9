/**
 * Next-turn notes that wait for a session (OpenClaw had no stored session to queue them into), kept in the
 * plugin's state directory so a gateway restart does not lose them: `next-turn-waiting.json`, replaced
 * whole and atomically (temp file, fsync, rename) on every change, mode 0600. It holds only what the agent
 * would be told (the note's text, its idempotency key, when it was first told, and its workspace): no
 * config, no credentials. Reading keeps what is valid and still within the limits (a day old at most, 32
 * a workspace, one per key) and drops the rest.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileDurably } from "../util/durable-file.js";
import { errnoOf, messageOf } from "../util/errors.js";

/** How long a queued note waits for a turn before OpenClaw drops it (a waiting one, before we do). */
export const nextTurnTtlMs = 24 * 60 * 60 * 1000;
/** OpenClaw keeps at most 32 pending notes per plugin and session; no more wait here either. */
export const waitingNotesMax = 32;
/** OpenClaw refuses a note longer than this (`MAX_PLUGIN_NEXT_TURN_INJECTION_TEXT_LENGTH`). */
export const noteTextMax = 32_768;

export const waitingFileName = "next-turn-waiting.json";

export interface Note {
  text: string;
  key: string;
  /** When it was first told (ms since the epoch): its 24 hours run from here. */
  at: number;
}

export interface WaitingNote extends Note {
  workspace: string;
}

const noteSchema = z.object({
  workspace: z.string().min(1),
  key: z.string().min(1).max(512),
  text: z.string().min(1).max(noteTextMax),
  at: z.number().finite(),
});
const fileSchema = z.object({ version: z.literal(1), notes: z.array(z.unknown()) });

/** Where waiting notes are kept between runs. */
export interface NotesStore {
  load(): Promise<WaitingNote[]>;
  save(notes: readonly WaitingNote[]): Promise<void>;
}

/**
 * The notes worth keeping, by workspace: unexpired at `now`, one per key (the first told: its day runs
 * from then), at most `waitingNotesMax` a workspace (the newest), oldest first.
 */
export function keepable(notes: readonly WaitingNote[], now: number): Map<string, Note[]> {
  const byWorkspace = new Map<string, Note[]>();
  for (const { workspace, ...note } of notes) {
    if (now - note.at >= nextTurnTtlMs) continue;
    const kept = byWorkspace.get(workspace) ?? [];
    const same = kept.find((n) => n.key === note.key);
    if (same === undefined) kept.push(note);
    else if (note.at < same.at) Object.assign(same, note);
    byWorkspace.set(workspace, kept);
  }
  for (const [workspace, kept] of byWorkspace)
    byWorkspace.set(workspace, kept.sort((a, b) => a.at - b.at).slice(-waitingNotesMax));
  return byWorkspace;
}

/** Notes by workspace, as one list again (the store's shape). */
export function listed(byWorkspace: ReadonlyMap<string, readonly Note[]>): WaitingNote[] {
  return [...byWorkspace].flatMap(([workspace, notes]) => notes.map((note) => ({ workspace, ...note })));
}

/** The store in the plugin's state directory; `onWarning` hears of a file it could not read. */
export function fileStore(
  stateDir: string,
  onWarning: (message: string) => void,
  now: () => number = Date.now,
): NotesStore {
  const file = join(stateDir, waitingFileName);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if (errnoOf(error) !== "ENOENT") onWarning(`could not read ${file}: ${messageOf(error)}`);
        return [];
      }
      let parsed: z.infer<typeof fileSchema>;
      try {
        parsed = fileSchema.parse(JSON.parse(text));
      } catch {
        onWarning(`${file} is not a list of waiting notes; it is ignored and will be replaced`);
        return [];
      }
      const valid = parsed.notes.flatMap((raw) => {
        const note = noteSchema.safeParse(raw);
        return note.success ? [note.data] : [];
      });
      return listed(keepable(valid, now()));
    },
    async save(notes) {
      await mkdir(stateDir, { recursive: true, mode: 0o700 });
      const body = notes.map(({ workspace, key, text, at }) => ({ workspace, key, text, at }));
      await writeFileDurably(file, `${JSON.stringify({ version: 1, notes: body }, null, 2)}\n`);
    },
  };
}
