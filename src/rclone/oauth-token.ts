/** OAuth tokens as rclone keeps them: one line of JSON `{access_token, token_type, refresh_token, expiry}`. */

import { fieldOf } from "../util/json.js";

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
    const access = fieldOf(parsed, "access_token");
    if (typeof access !== "string" || access === "") return null;
    const optional = (key: string) => {
      const value = fieldOf(parsed, key);
      return typeof value === "string" ? value : undefined;
    };
    return {
      access_token: access,
      token_type: optional("token_type"),
      refresh_token: optional("refresh_token"),
      expiry: optional("expiry"),
    };
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
