/**
 * Reading JSON whose shape we do not control (rclone's output, files on disk, lines off a socket) without
 * casting: a schema says what we accept, and `fieldOf` reads one field of a value of unknown shape.
 */

import type { z } from "zod";

/** Parses JSON text and checks it against `schema`; throws SyntaxError or ZodError when it does not fit. */
export function parseJson<T>(schema: z.ZodType<T>, text: string): T {
  return schema.parse(JSON.parse(text));
}

/** One field of a value of unknown shape; undefined when the value is not an object or lacks it. */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

/** True when `value` is one of `allowed`, narrowing it to that union. */
export function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return allowed.some((item) => item === value);
}

/** A plain object (not null, not an array), its fields readable by name. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
