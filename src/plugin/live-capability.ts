/**
 * Short-lived read-only capabilities for the dashboard tab's page. The page HTML, served under the
 * gateway's auth, carries one; the page's own requests present it to the `auth: "plugin"` read route
 * (`live-route.ts`), because a browser blocking third-party cookies withholds OpenClaw's cookie grant from
 * them (the tab's sandboxed frame has an opaque origin).
 *
 * A capability is `<expiry ms>.<HMAC-SHA256(key, purpose + "\n" + expiry) in base64url>`: nothing but an
 * expiry and a purpose, signed with a random 32-byte key that lives in this closure only (never written,
 * never logged; a new one each time the live route is built, so a service restart ends every capability).
 * Nobody may put a capability in a log, an event, a status or an error: it is a bearer credential.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const liveReadPurpose = "live-read";
/** How long a capability is good for; the event stream hands out a fresh one well before that. */
export const capabilityTtlMs = 10 * 60_000;

export interface Capabilities {
  /** A capability for the purpose, good until now + TTL. */
  mint(): string;
  /** Whether `given` is one of ours, for this purpose, and not expired (constant-time signature compare). */
  verify(given: string | null | undefined): boolean;
  readonly ttlMs: number;
}

export interface CapabilityOptions {
  purpose: string;
  ttlMs?: number;
  /** Default: 32 random bytes. Tests pass one to check that another key's capabilities fail. */
  key?: Buffer;
  /** Default: Date.now. */
  now?: () => number;
}

const shape = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

export function capabilities(options: CapabilityOptions): Capabilities {
  const key = options.key ?? randomBytes(32);
  const ttlMs = options.ttlMs ?? capabilityTtlMs;
  const now = options.now ?? Date.now;
  const sign = (expiry: number) => createHmac("sha256", key).update(`${options.purpose}\n${expiry}`).digest();
  return {
    ttlMs,
    mint() {
      const expiry = now() + ttlMs;
      return `${expiry}.${sign(expiry).toString("base64url")}`;
    },
    verify(given) {
      const parts = typeof given === "string" ? shape.exec(given) : null;
      if (parts === null) return false;
      const expiry = Number(parts[1]);
      const signature = Buffer.from(parts[2] ?? "", "base64url");
      const expected = sign(expiry);
      const genuine = signature.length === expected.length && timingSafeEqual(signature, expected);
      // Expired, or further out than we ever mint (only a leaked key could make one): refused.
      const t = now();
      return genuine && expiry > t && expiry <= t + ttlMs;
    },
  };
}
