/**
 * Keys the schema does not know: ignored, with a warning that names the nearest known key
 * ("did you mean"). Walks the zod schema alongside the raw object, into nested blocks.
 */
import { z } from "zod";
import { isRecord } from "../util/json.js";
import { nearest } from "../util/nearest.js";

export function nearestKey(key: string, candidates: readonly string[]): string | null {
  return nearest(key, candidates);
}

/** The object schema inside optional/default/pipe wrappers; null for anything else. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth++) {
    // casts here: zod's core types for a shape and a wrapper's inner schema are wider than the classic `z.ZodType` this walk uses
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return null;
    }
  }
  return null;
}

export function unknownKeyWarning(key: string, known: readonly string[], prefix: string): string {
  const near = nearestKey(key, known);
  return `unknown key \`${prefix}${key}\` is ignored${near ? ` (did you mean \`${prefix}${near}\`?)` : ""}`;
}

/** Warnings for every key of `raw` (at any depth of nested objects) that `schema` does not know. */
export function unknownKeyWarnings(
  schema: z.ZodType,
  raw: unknown,
  prefix: string,
  alsoKnown: readonly string[] = [],
): string[] {
  const shape = objectShape(schema);
  if (shape === null || !isRecord(raw)) return [];
  const known = [...Object.keys(shape), ...alsoKnown];
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const child = shape[key];
    if (child === undefined) {
      if (!alsoKnown.includes(key)) warnings.push(unknownKeyWarning(key, known, prefix));
    } else {
      warnings.push(...unknownKeyWarnings(child, value, `${prefix}${key}.`));
    }
  }
  return warnings;
}
