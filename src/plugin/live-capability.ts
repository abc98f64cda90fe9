/**
 * Short-lived read-only capabilities for the dashboard tab's page. The page HTML, served under the
 * gateway's auth, carries one; the page's own requests present it to the `auth: "plugin"` read route
 * (`live-route.ts`), because a browser blocking third-party cookies withholds OpenClaw's cookie grant from
 * them (the tab's sandboxed frame has an opaque origin).
 *
 * A capability is `<since ms>.<expiry ms>.<HMAC-SHA256(key, purpose, since, expiry) in base64url>`: a purpose,
 * an expiry and when the page that started the chain was served under the gateway's auth (`since`), signed
 * with a random 32-byte key that lives in this closure only (never written, never logged; a new one each
 * time the live route is built, so a service restart ends every capability). A renewal keeps `since`, so an
 * open tab reads for at most `sessionMs` (1 h) on one gateway check: then its page reloads itself, which
 * goes through the gateway's auth again (a rotated token or a signed-out browser ends it there).
 * Nobody may put a capability in a log, an event, a status or an error: it is a bearer credential.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const liveReadPurpose = "live-read";
export const capabilityHeader = "x-workspace-sync-capability";

/** The capability a request presents: the header, else the `cap` query parameter (an EventSource has no headers). */
export function presentedCapability(req: IncomingMessage): string | null {
  const header = req.headers[capabilityHeader];
  if (typeof header === "string") return header;
  return new URL(req.url ?? "/", "http://live.invalid").searchParams.get("cap");
}
/** How long a capability is good for; the event stream hands out a fresh one well before that. */
export const capabilityTtlMs = 10 * 60_000;
/** How long a chain of renewals lasts from the gateway-authenticated page load that started it. */
export const capabilitySessionMs = 60 * 60_000;

export interface Capabilities {
  /**
   * A capability for the purpose, good until now + TTL (never past `since` + session). `renewing`: the
   * capability this one renews (it keeps that one's `since`), null when that one is no longer good (its
   * chain's session is over: the page must go through the gateway's auth again); absent for a page
   * served under the gateway's auth (a new chain).
   */
  mint(): string;
  mint(renewing: string | null): string | null;
  /** Whether `given` is one of ours, for this purpose, and not expired (constant-time signature compare). */
  verify(given: string | null | undefined): boolean;
  readonly ttlMs: number;
  readonly sessionMs: number;
}

export interface CapabilityOptions {
  purpose: string;
  ttlMs?: number;
  /** Default: `capabilitySessionMs`. */
  sessionMs?: number;
  /** Default: 32 random bytes. Tests pass one to check that another key's capabilities fail. */
  key?: Buffer;
  /** Default: Date.now. */
  now?: () => number;
}

const shape = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

export function capabilities(options: CapabilityOptions): Capabilities {
  const key = options.key ?? randomBytes(32);
  const ttlMs = options.ttlMs ?? capabilityTtlMs;
  const sessionMs = options.sessionMs ?? capabilitySessionMs;
  const now = options.now ?? Date.now;
  const sign = (since: number, expiry: number) =>
    createHmac("sha256", key).update(`${options.purpose}\n${since}\n${expiry}`).digest();
  /** The capability's `since` when it is genuine and current, else null. */
  const check = (given: string | null | undefined): number | null => {
    const parts = typeof given === "string" ? shape.exec(given) : null;
    if (parts === null) return null;
    const since = Number(parts[1]);
    const expiry = Number(parts[2]);
    const signature = Buffer.from(parts[3] ?? "", "base64url");
    const expected = sign(since, expiry);
    const genuine = signature.length === expected.length && timingSafeEqual(signature, expected);
    // Expired, past its chain's session, or further out than we ever mint (only a leaked key could
    // make one): refused.
    const t = now();
    const current = expiry > t && expiry <= t + ttlMs && since <= t && expiry <= since + sessionMs;
    return genuine && current ? since : null;
  };
  return {
    ttlMs,
    sessionMs,
    mint: ((renewing?: string | null) => {
      const t = now();
      const since = renewing === undefined ? t : check(renewing);
      if (since === null) return null;
      const expiry = Math.min(t + ttlMs, since + sessionMs);
      if (expiry <= t) return null;
      return `${since}.${expiry}.${sign(since, expiry).toString("base64url")}`;
    }) as Capabilities["mint"], // one implementation for both overloads: null only when renewing
    verify(given) {
      return check(given) !== null;
    },
  };
}
