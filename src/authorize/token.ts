/**
 * Getting an OAuth token out of what `rclone authorize` prints, or out of what a person pasted,
 * and checking it. rclone prints, on stdout:
 *
 *     Paste the following into your remote machine --->
 *     {"access_token":"...","token_type":"bearer","refresh_token":"...","expiry":"..."}
 *     <---End paste
 *
 * (when given a base64 config blob instead of a client id and secret, the middle line is that blob's
 * answer: base64url of `{"token":"<token JSON>"}`). Pure functions.
 */
import { parseToken } from "../rclone/oauth-token.js";
import { fieldOf } from "../util/json.js";

export const pasteStart = "Paste the following into your remote machine --->";
export const pasteEnd = "<---End paste";

export class TokenError extends Error {
  override readonly name = "TokenError";
}

/** The token JSON in one line of text: raw JSON, or rclone's base64url answer blob. Null if neither. */
function tokenInLine(line: string): string | null {
  const text = line.trim();
  if (text === "") return null;
  if (text.startsWith("{")) return parseToken(text) ? text : null;
  if (!/^[A-Za-z0-9_=-]+$/.test(text)) return null;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    const token = fieldOf(decoded, "token");
    return typeof token === "string" && parseToken(token) ? token : null;
  } catch {
    return null;
  }
}

/** The token rclone printed between its paste markers; null when the output has none. */
export function extractToken(stdout: string): string | null {
  const start = stdout.indexOf(pasteStart);
  if (start === -1) return null;
  const end = stdout.indexOf(pasteEnd, start);
  const between = stdout.slice(start + pasteStart.length, end === -1 ? undefined : end);
  for (const line of between.split(/\r?\n/)) {
    const token = tokenInLine(line);
    if (token) return token;
  }
  return null;
}

/**
 * A token from pasted text: the JSON alone, rclone's whole paste block, or its base64 answer.
 * Throws {@link TokenError} saying what was expected (never echoing the text).
 */
export function readPastedToken(text: string): string {
  const found =
    extractToken(text) ??
    text
      .split(/\r?\n/)
      .map(tokenInLine)
      .find((t) => t !== null) ??
    tokenInLine(text.replace(/\s*\n\s*/g, ""));
  if (!found) {
    throw new TokenError(
      'that is not a token: paste the line rclone printed between "--->" and "<---End paste", a JSON object with "access_token"',
    );
  }
  return found;
}

export interface CheckedToken {
  /** The token as one line of JSON, ready for the rclone config. */
  token: string;
  expiry: string | null;
  warnings: string[];
}

/** Checks a token JSON: an `access_token`, a type, and a way to stay valid (refresh token or future expiry). */
export function checkToken(text: string, now: number = Date.now()): CheckedToken {
  const parsed = parseToken(text);
  if (!parsed) throw new TokenError('the token must be a JSON object with a non-empty "access_token"');
  if (parsed.token_type !== undefined && typeof parsed.token_type !== "string") {
    throw new TokenError('the token\'s "token_type" must be a string (rclone writes "bearer")');
  }
  const expiryMs = parsed.expiry === undefined ? Number.NaN : Date.parse(parsed.expiry);
  if (parsed.expiry !== undefined && !Number.isFinite(expiryMs)) {
    throw new TokenError('the token\'s "expiry" must be a time such as 2026-01-01T00:00:00Z');
  }
  const warnings: string[] = [];
  const refreshable = typeof parsed.refresh_token === "string" && parsed.refresh_token !== "";
  if (!refreshable) {
    if (Number.isFinite(expiryMs) && expiryMs <= now) {
      throw new TokenError("the token has expired and has no refresh_token: authorize again");
    }
    warnings.push(
      "the token has no refresh_token: rclone cannot renew it, so it stops working when it expires",
    );
  }
  return {
    token: JSON.stringify(parsed),
    expiry: Number.isFinite(expiryMs) ? new Date(expiryMs).toISOString() : null,
    warnings,
  };
}
