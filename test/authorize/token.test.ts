/** Token extraction and checks, on output captured from the real rclone 1.60 `authorize`. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authorizeLink } from "../../src/authorize/run.js";
import { checkToken, extractToken, readPastedToken, TokenError } from "../../src/authorize/token.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("rclone authorize output", () => {
  it("takes the token JSON from between the paste markers", () => {
    const token = extractToken(fixture("authorize-dropbox.stdout.txt"));
    expect(JSON.parse(token ?? "")).toMatchObject({
      access_token: "ACCESS-SECRET-123",
      token_type: "bearer",
    });
  });

  it("takes it from rclone's base64 answer blob too (authorize given a config blob)", () => {
    const token = extractToken(fixture("authorize-drive-blob.stdout.txt"));
    expect(JSON.parse(token ?? "")).toMatchObject({ refresh_token: "REFRESH-SECRET-456" });
  });

  it("finds the link in the JSON log lines", () => {
    const links = fixture("authorize-onedrive.stderr.jsonl")
      .trim()
      .split("\n")
      .map((line) => authorizeLink((JSON.parse(line) as { msg: string }).msg))
      .filter(Boolean);
    expect(links).toEqual(["http://127.0.0.1:53682/auth?state=G6t4PmJh0Vvn21C_7fKPdg"]);
  });

  it("no markers, no token", () => {
    expect(extractToken("Error: something failed\n")).toBeNull();
    expect(
      extractToken(`Paste the following into your remote machine --->\n{"nope":1}\n<---End paste`),
    ).toBeNull();
  });
});

describe("pasted tokens", () => {
  const json =
    '{"access_token":"abc","token_type":"bearer","refresh_token":"r","expiry":"2030-01-01T00:00:00Z"}';

  it("accepts the JSON, the whole paste block, or the blob", () => {
    expect(readPastedToken(json)).toBe(json);
    expect(readPastedToken(`  ${json}  \n`)).toBe(json);
    expect(JSON.parse(readPastedToken(fixture("authorize-dropbox.stdout.txt"))).access_token).toBe(
      "ACCESS-SECRET-123",
    );
    const blob = fixture("authorize-drive-blob.stdout.txt").split("\n")[1] ?? "";
    expect(JSON.parse(readPastedToken(blob)).access_token).toBe("ACCESS-SECRET-123");
  });

  it("refuses anything else without echoing it", () => {
    for (const bad of ["hello", '{"token":"x"}', "", "sk-live-SECRET"]) {
      let message = "";
      try {
        readPastedToken(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(TokenError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/not a token/);
      if (bad !== "") expect(message).not.toContain(bad);
    }
  });

  it("checks the token: one line out, expired unrefreshable refused, missing refresh warned", () => {
    const pretty = JSON.stringify(JSON.parse(json), null, 2);
    expect(checkToken(pretty).token).toBe(json);
    expect(checkToken(json).expiry).toBe("2030-01-01T00:00:00.000Z");
    const noRefresh = '{"access_token":"abc","token_type":"bearer","expiry":"2030-01-01T00:00:00Z"}';
    expect(checkToken(noRefresh, Date.parse("2029-01-01")).warnings[0]).toMatch(/no refresh_token/);
    expect(() => checkToken(noRefresh, Date.parse("2031-01-01"))).toThrow(/expired/);
    expect(() => checkToken('{"access_token":"a","expiry":"soon"}')).toThrow(/"expiry" must be a time/);
    expect(() => checkToken('{"access_token":""}')).toThrow(/non-empty "access_token"/);
  });
});
