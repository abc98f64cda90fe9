/** Errors as data: `{name, message, ...}` never `{}`, and never a secret. */

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  [key: string]: unknown;
}

export type Redact = (text: string) => string;

export const noRedaction: Redact = (text) => text;

/** A redactor that masks each secret value wherever it appears (longest first). */
export function createRedactor(secrets: readonly string[]): Redact {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return noRedaction;
  return (text) => values.reduce((out, secret) => out.split(secret).join("***"), text);
}

export function serializeError(error: unknown, redact: Redact = noRedaction): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: redact(error.message) };
    const code = errnoOf(error);
    if (typeof code === "string") out.code = code;
    return out;
  }
  return { name: "Error", message: redact(String(error)) };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node system error (`ENOENT`, `EEXIST`...), or undefined for anything else. */
export function errnoOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}
