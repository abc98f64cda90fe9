import { describe, expect, it } from "vitest";
import { cleanEnv } from "../../src/rclone/env.js";
import { RemotePathError, redactSecrets, remoteSpec, shellQuote } from "../../src/rclone/remote.js";

describe("cleanEnv", () => {
  const parent = {
    PATH: "/usr/bin:/bin",
    HOME: "/home/u",
    AWS_CA_BUNDLE: "/etc/ssl/certs/ca-certificates.crt",
    AWS_ACCESS_KEY_ID: "AKIA",
    RCLONE_CONFIG: "/elsewhere.conf",
    RCLONE_CONFIG_PASS: "secret",
    https_proxy: "http://proxy:3128",
    NO_PROXY: "localhost",
    SSL_CERT_FILE: "/etc/ssl/cert.pem",
    OPENAI_API_KEY: "sk-...",
    NODE_OPTIONS: "--inspect",
  };

  it("keeps PATH and the allowed variables, drops AWS_*, RCLONE_* and everything else", () => {
    expect(cleanEnv(parent, {})).toEqual({
      PATH: "/usr/bin:/bin",
      HOME: "/home/u",
      https_proxy: "http://proxy:3128",
      NO_PROXY: "localhost",
      SSL_CERT_FILE: "/etc/ssl/cert.pem",
    });
  });

  it("adds extra variables last", () => {
    expect(cleanEnv(parent, { RCLONE_CONFIG: "/ours.conf", PATH: "/opt/bin" })).toMatchObject({
      RCLONE_CONFIG: "/ours.conf",
      PATH: "/opt/bin",
    });
  });
});

describe("remoteSpec", () => {
  it.each([
    ["cloud", "", "cloud:"],
    ["cloud", "openclaw-share", "cloud:openclaw-share"],
    ["cloud", "a//b/", "cloud:a/b"],
    ["cloud", "/abs/path", "cloud:/abs/path"],
    ["my remote", ["bucket", "agents/main", "ws"], "my remote:bucket/agents/main/ws"],
  ] as const)("%s + %j → %s", (name, p, expected) => {
    expect(remoteSpec(name, p)).toBe(expected);
  });

  it("refuses .. segments and bad remote names", () => {
    expect(() => remoteSpec("cloud", "a/../b")).toThrow(RemotePathError);
    expect(() => remoteSpec("cloud", ["a", ".."])).toThrow(/\.\./);
    expect(() => remoteSpec("clo:ud", "a")).toThrow(/remote name/);
    expect(() => remoteSpec("", "a")).toThrow(RemotePathError);
    expect(() => remoteSpec("-flag", "a")).toThrow(RemotePathError);
  });
});

describe("shellQuote", () => {
  it("leaves plain words alone and single-quotes the rest", () => {
    expect(shellQuote(["rclone", "sync", "/tmp/a b", "cloud:x", "it's", ""])).toBe(
      "rclone sync '/tmp/a b' cloud:x 'it'\\''s' ''",
    );
  });
});

describe("redactSecrets", () => {
  it("masks connection-string secrets and secret flags", () => {
    expect(redactSecrets(":sftp,host=h,user=u,pass=Q8x9,shell_type=unix:")).toBe(
      ":sftp,host=h,user=u,pass=***,shell_type=unix:",
    );
    expect(redactSecrets(":s3,access_key_id=A,secret_access_key='s/k':bucket")).toBe(
      ":s3,access_key_id=A,secret_access_key=***:bucket",
    );
    expect(redactSecrets("rclone lsf x: --sftp-pass abc --s3-secret-access-key=xyz --sftp-key-file /k")).toBe(
      "rclone lsf x: --sftp-pass *** --s3-secret-access-key=*** --sftp-key-file /k",
    );
  });
});
