/** OAuth tokens as rclone keeps them: one line of JSON `{access_token, token_type, refresh_token, expiry}`. */

export interface OAuthToken {
  access_token: string;
  token_type?: string;
  refresh_token?: string;
  /** RFC 3339 time; rclone refreshes the token before it. */
  expiry?: string;
}

/** The token, parsed; null when `text` is not a token JSON. */
export function parseToken(text: string | undefined): OAuthToken | null {
  if (text === undefined || text === "") return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return null;
    const token = parsed as Record<string, unknown>;
    if (typeof token.access_token !== "string" || token.access_token === "") return null;
    return token as unknown as OAuthToken;
  } catch {
    return null;
  }
}

/** The expiry in ms since the epoch; -Infinity when missing or unreadable (an unknown age is the oldest). */
export function tokenExpiry(text: string | undefined): number {
  const expiry = parseToken(text)?.expiry;
  const ms = expiry === undefined ? Number.NaN : Date.parse(expiry);
  return Number.isFinite(ms) ? ms : Number.NEGATIVE_INFINITY;
}

/** Every form in which a token could be printed: the whole JSON and each credential in it. */
export function tokenSecrets(text: string | undefined): string[] {
  if (text === undefined || text === "") return [];
  const token = parseToken(text);
  const parts = token ? [token.access_token, token.refresh_token] : [];
  return [text, ...parts].filter((v): v is string => typeof v === "string" && v !== "");
}
