/**
 * The dashboard tab's read-only capability: an HMAC over an expiry and a purpose, with a key made in
 * memory when the live route is built.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { capabilities, capabilityTtlMs, liveReadPurpose } from "../../src/plugin/live-capability.js";

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
    expect(cap).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
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
    const [expiry, signature] = cap.split(".") as [string, string];
    expect(caps.verify(`${Number(expiry) - 1000}.${signature}`)).toBe(false);
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(caps.verify(`${expiry}.${flipped}`)).toBe(false);
    for (const junk of [null, undefined, "", expiry, `${expiry}.`, `${cap}x`, ` ${cap}`, `-1.${signature}`])
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

  it("keep the key out of anything printed", () => {
    const key = randomBytes(32);
    const caps = capabilities({ purpose: liveReadPurpose, key });
    const printed = `${JSON.stringify(caps)} ${String(caps)}`;
    expect(printed).not.toContain(key.toString("hex"));
    expect(printed).not.toContain(key.toString("base64"));
  });
});
