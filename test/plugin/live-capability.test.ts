/**
 * The dashboard tab's read-only capability: an HMAC over an expiry and a purpose, with a key made in
 * memory when the live route is built.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  capabilities,
  capabilitySessionMs,
  capabilityTtlMs,
  liveReadPurpose,
} from "../../src/plugin/live-capability.js";

function clock(start: number) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe("live-read capabilities", () => {
  it("accept their own capability until it expires (10 minutes by default)", () => {
    const { time, now } = clock(1_800_000_000_000);
    const caps = capabilities({ purpose: liveReadPurpose, now });
    expect(caps.ttlMs).toBe(capabilityTtlMs);
    expect(capabilityTtlMs).toBe(600_000);
    const cap = caps.mint();
    expect(cap).toMatch(/^\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(caps.verify(cap)).toBe(true);
    time.now += capabilityTtlMs - 1;
    expect(caps.verify(cap)).toBe(true);
    time.now += 1;
    expect(caps.verify(cap)).toBe(false);
  });

  it("refuse a tampered capability: another expiry, a changed signature, junk", () => {
    const { now } = clock(1_800_000_000_000);
    const caps = capabilities({ purpose: liveReadPurpose, now });
    const cap = caps.mint();
    const [since, expiry, signature] = cap.split(".") as [string, string, string];
    expect(caps.verify(`${since}.${Number(expiry) - 1000}.${signature}`)).toBe(false);
    // An older `since` would stretch the chain's session: signed too.
    expect(caps.verify(`${Number(since) - 1000}.${expiry}.${signature}`)).toBe(false);
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(caps.verify(`${since}.${expiry}.${flipped}`)).toBe(false);
    for (const junk of [
      null,
      undefined,
      "",
      expiry,
      `${expiry}.${signature}`,
      `${cap}x`,
      ` ${cap}`,
      `-1.${expiry}.${signature}`,
    ])
      expect(caps.verify(junk)).toBe(false);
  });

  it("refuse a capability minted for another purpose with the same key", () => {
    const { now } = clock(1_800_000_000_000);
    const key = randomBytes(32);
    const other = capabilities({ purpose: "live-write", key, now });
    const caps = capabilities({ purpose: liveReadPurpose, key, now });
    expect(caps.verify(other.mint())).toBe(false);
    expect(caps.verify(caps.mint())).toBe(true);
  });

  it("refuse every capability of another key (a service restart makes a new one)", () => {
    const { now } = clock(1_800_000_000_000);
    const before = capabilities({ purpose: liveReadPurpose, now });
    const after = capabilities({ purpose: liveReadPurpose, now });
    expect(after.verify(before.mint())).toBe(false);
    expect(before.verify(after.mint())).toBe(false);
  });

  it("refuse one that expires later than they ever mint (only a leaked key could sign it)", () => {
    const { time, now } = clock(1_800_000_000_000);
    const key = randomBytes(32);
    time.now += 60_000;
    const future = capabilities({ purpose: liveReadPurpose, key, now }).mint();
    time.now -= 60_000;
    expect(capabilities({ purpose: liveReadPurpose, key, now }).verify(future)).toBe(false);
  });

  it("renew within the session of the page load that started the chain (1 hour), then stop", () => {
    const { time, now } = clock(1_800_000_000_000);
    const caps = capabilities({ purpose: liveReadPurpose, now });
    expect(capabilitySessionMs).toBe(3_600_000);
    let cap: string | null = caps.mint();
    // The stream renews every 5 minutes: each renewal keeps the first one's start.
    for (let i = 0; i < 11; i++) {
      time.now += 5 * 60_000;
      cap = caps.mint(cap);
      expect(cap).not.toBeNull();
      expect(caps.verify(cap)).toBe(true);
    }
    // 55 minutes in: the last renewal ends at the hour, not 10 minutes later.
    expect(Number(cap?.split(".")[1])).toBe(1_800_000_000_000 + capabilitySessionMs);
    time.now += 5 * 60_000;
    expect(caps.verify(cap)).toBe(false);
    expect(caps.mint(cap)).toBeNull();
    // A renewal of junk, or of an expired capability, starts nothing.
    expect(caps.mint("junk")).toBeNull();
    // A page served again under the gateway's auth starts a new chain.
    expect(caps.verify(caps.mint())).toBe(true);
  });

  it("keep the key out of anything printed", () => {
    const key = randomBytes(32);
    const caps = capabilities({ purpose: liveReadPurpose, key });
    const printed = `${JSON.stringify(caps)} ${String(caps)}`;
    expect(printed).not.toContain(key.toString("hex"));
    expect(printed).not.toContain(key.toString("base64"));
  });
});
