import { StringDecoder } from "node:string_decoder";
import type { FileChange, TransferStats } from "../../machines/outcomes.js";
import { isRecord } from "../util/json.js";

/** One parsed `--use-json-log` line from rclone's stderr. */
export interface RcloneLogLine {
  /** `debug`, `info`, `warning` (rclone 1.60's NOTICE), `error`, `critical`... */
  level: string;
  msg: string;
  /** The file or folder the line is about, relative to its remote's root. */
  object?: string;
  objectType?: string;
  time?: string;
  /** The raw `stats` object, on the final summary line and on `--stats` progress lines. */
  stats?: Record<string, unknown>;
  /** Every field of the line as rclone wrote it. */
  fields: Record<string, unknown>;
}

/**
 * A {@link FileChange} as read from the log. `dryRun` marks a change rclone only reported
 * (`Skipped copy as --dry-run is set`); `from` is the old name of a renamed file.
 */
export type RcloneFileChange = FileChange & { dryRun?: true; from?: string };

export interface RcloneLogSummary {
  changes: RcloneFileChange[];
  /** From the last line that carried `stats`; undefined when rclone printed none. */
  stats: TransferStats | undefined;
  /** `stats.lastError`, when rclone gave one. */
  lastError: string | undefined;
  /** Error-level lines, as `object: msg` when the line names an object. */
  errorMessages: string[];
  /** Lines that were not JSON (usage text, `Failed to sync: ...`), first and last ones kept. */
  textLines: string[];
  /** Text lines and error messages left out to bound memory. */
  droppedLines: number;
}

export interface RcloneLogParser {
  /** Feed a chunk of stderr; lines may be split anywhere across chunks. */
  push(chunk: string | Buffer): void;
  /** Flush the last partial line and return what was seen. Later calls return the same summary. */
  end(): RcloneLogSummary;
}

export interface RcloneLogParserOptions {
  onLine?: (line: RcloneLogLine) => void;
  /** How many text lines to keep at the start and, again, at the end (default 100 each). */
  maxTextLines?: number;
  /** How many error messages to keep (default 200). */
  maxErrorMessages?: number;
}

const errorLevels = new Set(["error", "critical", "fatal", "alert", "emergency", "panic"]);
const copiedMsg = /^(?:Multi-thread )?Copied \([^)]*\)(?: to: (.*))?$/s;
const movedToPrefix = "Moved (server-side) to: ";
const renamedFromPrefix = "Renamed from ";
const skippedActions: Readonly<Record<string, FileChange["action"]>> = {
  copy: "copied",
  move: "moved",
  delete: "deleted",
  "move into backup dir": "deleted",
  "update modification time": "updated",
  "upload from pipe": "copied",
  touch: "updated",
};

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** rclone's raw `stats` object reduced to {@link TransferStats}. */
export function toTransferStats(raw: Record<string, unknown>): TransferStats {
  return {
    bytes: num(raw.bytes),
    transfers: num(raw.transfers),
    deletes: num(raw.deletes),
    checks: num(raw.checks),
    renames: num(raw.renames),
    errors: num(raw.errors),
    elapsedSeconds: num(raw.elapsedTime),
  };
}

/** Parses one line; undefined when it is not an rclone JSON log line. */
export function parseLogLine(text: string): RcloneLogLine | undefined {
  if (!text.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.msg !== "string") return undefined;
  const line: RcloneLogLine = {
    level: typeof parsed.level === "string" ? parsed.level : "info",
    msg: parsed.msg,
    fields: parsed,
  };
  if (typeof parsed.object === "string") line.object = parsed.object;
  if (typeof parsed.objectType === "string") line.objectType = parsed.objectType;
  if (typeof parsed.time === "string") line.time = parsed.time;
  if (isRecord(parsed.stats)) line.stats = parsed.stats;
  return line;
}

function unquoteGo(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "string") return value;
  } catch {
    // Go's %q is not always valid JSON: fall back to stripping the quotes.
  }
  return text.replace(/^"|"$/g, "");
}

/** Collects per-file changes, folding rclone's `Renamed from "a"` into the matching move. */
function createChangeCollector(): { add(line: RcloneLogLine): void; changes: RcloneFileChange[] } {
  const changes: RcloneFileChange[] = [];
  const renames = new Set<string>();
  const dryMoves = new Map<string, number>();
  const add = (line: RcloneLogLine): void => {
    const object = line.object;
    if (object === undefined || object === "" || line.objectType?.endsWith(".Fs")) return;
    const msg = line.msg;
    const skipped = line.fields.skipped;
    if (typeof skipped === "string") {
      const action = skippedActions[skipped];
      if (action === undefined || !msg.includes("as --dry-run is set")) return;
      if (action === "moved") dryMoves.set(object, changes.length);
      changes.push({ path: object, action, dryRun: true });
      return;
    }
    const copied = copiedMsg.exec(msg);
    if (copied !== null) {
      changes.push({ path: copied[1] ?? object, action: "copied" });
    } else if (msg === "Deleted" || msg === "Moved into backup dir") {
      changes.push({ path: object, action: "deleted" });
    } else if (msg === "Updated modification time in destination") {
      changes.push({ path: object, action: "updated" });
    } else if (msg === "Moved (server-side)") {
      changes.push({ path: object, action: "moved" });
    } else if (msg.startsWith(movedToPrefix)) {
      const to = msg.slice(movedToPrefix.length);
      renames.add(`${object}\u0000${to}`);
      changes.push({ path: to, action: "renamed", from: object });
    } else if (msg.startsWith(renamedFromPrefix)) {
      const from = unquoteGo(msg.slice(renamedFromPrefix.length));
      if (renames.has(`${from}\u0000${object}`)) return;
      const dryIndex = dryMoves.get(from);
      if (dryIndex !== undefined) {
        dryMoves.delete(from);
        changes[dryIndex] = { path: object, action: "renamed", from, dryRun: true };
        return;
      }
      changes.push({ path: object, action: "renamed", from });
    }
  };
  return { add, changes };
}

/** A streaming parser for rclone's `--use-json-log` stderr. Cheap per line; bounded memory for text. */
export function createRcloneLogParser(opts: RcloneLogParserOptions = {}): RcloneLogParser {
  const maxText = opts.maxTextLines ?? 100;
  const maxErrors = opts.maxErrorMessages ?? 200;
  const decoder = new StringDecoder("utf8");
  const collector = createChangeCollector();
  const errorMessages: string[] = [];
  const textHead: string[] = [];
  const textTail: string[] = [];
  let stats: TransferStats | undefined;
  let lastError: string | undefined;
  let dropped = 0;
  let pending = "";
  let finished: RcloneLogSummary | undefined;

  const handle = (rawLine: string): void => {
    const text = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (text.trim() === "") return;
    const line = parseLogLine(text);
    if (line === undefined) {
      if (textHead.length < maxText) textHead.push(text);
      else {
        textTail.push(text);
        if (textTail.length > maxText) {
          textTail.shift();
          dropped += 1;
        }
      }
      return;
    }
    if (line.stats !== undefined) {
      stats = toTransferStats(line.stats);
      if (typeof line.stats.lastError === "string") lastError = line.stats.lastError;
    } else if (errorLevels.has(line.level)) {
      if (errorMessages.length < maxErrors) {
        errorMessages.push(line.object ? `${line.object}: ${line.msg}` : line.msg);
      } else dropped += 1;
    } else {
      collector.add(line);
    }
    opts.onLine?.(line);
  };

  const drain = (searchFrom: number): void => {
    let start = 0;
    let newline = pending.indexOf("\n", searchFrom);
    while (newline !== -1) {
      handle(pending.slice(start, newline));
      start = newline + 1;
      newline = pending.indexOf("\n", start);
    }
    pending = start === 0 ? pending : pending.slice(start);
  };

  return {
    push(chunk) {
      if (finished !== undefined) return;
      const searchFrom = pending.length;
      pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
      drain(searchFrom);
    },
    end() {
      if (finished !== undefined) return finished;
      const searchFrom = pending.length;
      pending += decoder.end();
      drain(searchFrom);
      if (pending !== "") handle(pending);
      pending = "";
      finished = {
        changes: collector.changes,
        stats,
        lastError,
        errorMessages,
        textLines: [...textHead, ...textTail],
        droppedLines: dropped,
      };
      return finished;
    },
  };
}

/** Parses a whole stderr text at once. */
export function parseRcloneLog(text: string): RcloneLogSummary {
  const parser = createRcloneLogParser();
  parser.push(text);
  return parser.end();
}
