/**
 * The shapes stored in the event log, their zod checks, and the JSON normalisation (with redaction)
 * every value goes through before it is written.
 */
import { z } from "zod";
import { serializeError } from "../util/errors.js";

export interface LogEvent {
  type: string;
  [k: string]: unknown;
}

export interface LogRecord {
  seq: number;
  /** ISO 8601 (UTC, `Z`), from the log's clock. */
  at: string;
  event: LogEvent;
  /** The resulting XState state value, JSON. */
  state: unknown;
}

export interface Checkpoint {
  seq: number;
  at: string;
  /** A persisted XState snapshot, JSON. */
  snapshot: unknown;
}

export interface SegmentData {
  records: LogRecord[];
}

const eventSchema = z.looseObject({ type: z.string() });

const recordSchema = z.object({
  seq: z.int().positive(),
  at: z.string(),
  event: eventSchema,
  state: z.unknown(),
});

const segmentSchema = z.object({ records: z.array(recordSchema) });

const checkpointSchema = z.object({
  seq: z.int().nonnegative(),
  at: z.string(),
  snapshot: z.unknown(),
});

function shortIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  return `${issue.path.join(".") || "(root)"}: ${issue.message}`;
}

/**
 * Checks a segment file's content: the right shape, and records numbered `firstSeq`, `firstSeq + 1`, ...
 * Throws an Error describing the first problem.
 */
export function parseSegment(value: unknown, firstSeq: number): SegmentData {
  const result = segmentSchema.safeParse(value);
  if (!result.success) throw new Error(shortIssue(result.error));
  const records: LogRecord[] = [];
  for (const [index, r] of result.data.records.entries()) {
    if (r.seq !== firstSeq + index) {
      throw new Error(`record ${index} has seq ${r.seq}, expected ${firstSeq + index}`);
    }
    records.push({ seq: r.seq, at: r.at, event: r.event, state: r.state });
  }
  return { records };
}

/** Checks a checkpoint file's content and that its seq matches the one in its name. */
export function parseCheckpoint(value: unknown, expectedSeq: number): Checkpoint {
  const result = checkpointSchema.safeParse(value);
  if (!result.success) throw new Error(shortIssue(result.error));
  const { seq, at, snapshot } = result.data;
  if (seq !== expectedSeq) throw new Error(`holds seq ${seq} but its name says ${expectedSeq}`);
  return { seq, at, snapshot };
}

/**
 * A deep JSON copy of `value` (what JSON.stringify keeps; `undefined` becomes null) with `redact`
 * applied to every string value. Object keys are kept as they are.
 */
export function toJson(value: unknown, redact?: (text: string) => string): unknown {
  // An Error would serialise as `{}`: it goes in as `{name, message, code?}`.
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? serializeError(v) : v));
  if (text === undefined) return null;
  if (!redact) return JSON.parse(text);
  return JSON.parse(text, (_key, v: unknown) => (typeof v === "string" ? redact(v) : v));
}

/** `toJson` for an event: it must stay an object with a string `type`. */
export function eventToJson(event: LogEvent, redact?: (text: string) => string): LogEvent {
  const result = eventSchema.safeParse(toJson(event, redact));
  if (!result.success) {
    throw new TypeError(
      `event of type ${JSON.stringify(event.type)} is not a JSON object with a string type`,
    );
  }
  return result.data;
}

/** Freezes a JSON value and everything inside it: records are kept in memory and rewritten later. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
