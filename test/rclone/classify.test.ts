import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ErrorKind } from "../../machines/outcomes.js";
import { type ClassifyInput, classifyFailure, oneLine } from "../../src/rclone/classify.js";
import { parseRcloneLog } from "../../src/rclone/json-log.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}.log`, import.meta.url), "utf8");

function fromFixture(name: string, exitCode: number): ClassifyInput {
  const summary = parseRcloneLog(fixture(name));
  return {
    exitCode,
    errorMessages: summary.errorMessages,
    stderrText: summary.textLines,
    lastError: summary.lastError,
  };
}

/** One captured stderr line (JSON `object: msg` or plain text) with the exit code rclone 1.60.1 gave. */
interface Row {
  name: string;
  exitCode: number | null;
  error?: string;
  text?: string;
  kind: ErrorKind;
  message?: string;
}

const rows: Row[] = [
  // Captured from rclone 1.60.1 on this machine.
  {
    // A drain's fetch onto a full tmpfs (test/faults/disk-full): retryable, not fatal.
    name: "local preallocate on a full disk",
    exitCode: 1,
    error: "big2.bin: Failed to copy: preallocate: file too big for remaining disk space",
    kind: "retryable",
  },
  {
    name: "webdav wrong password",
    exitCode: 1,
    error: "error listing: couldn't list files: Unauthorized: 401 Unauthorized",
    text: "2026/11/21 09:23:03 Failed to lsf with 2 errors: last error was: error in ListJSON: couldn't list files: Unauthorized: 401 Unauthorized",
    kind: "auth",
    message: "error listing: couldn't list files: Unauthorized: 401 Unauthorized",
  },
  {
    name: "sftp wrong password",
    exitCode: 1,
    text: '2026/11/21 09:23:03 Failed to create file system for "cloud:": NewFs: couldn\'t connect SSH: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none password], no supported methods remain',
    kind: "auth",
  },
  {
    name: "webdav connection refused (exit 5)",
    exitCode: 5,
    error:
      'error listing: couldn\'t list files: Propfind "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused',
    kind: "retryable",
  },
  {
    name: "sftp connection refused (exit 1)",
    exitCode: 1,
    text: '2026/11/21 09:23:03 Failed to create file system for "cloud:": NewFs: couldn\'t connect SSH: dial tcp 127.0.0.1:1: connect: connection refused',
    kind: "retryable",
    message: "connection refused at 127.0.0.1:1; check the network connection",
  },
  {
    name: "unknown host (exit 1)",
    exitCode: 1,
    error:
      'error listing: couldn\'t list files: Propfind "http://nosuchhost.invalid/": dial tcp: lookup nosuchhost.invalid on 10.255.255.53:53: no such host',
    kind: "retryable",
  },
  {
    name: "s3 connection refused, multi-line",
    exitCode: 1,
    error:
      'error listing: RequestError: send request failed\ncaused by: Get "http://127.0.0.1:1/bucket?delimiter=%2F&max-keys=1000&prefix=": dial tcp 127.0.0.1:1: connect: connection refused',
    kind: "retryable",
    message: "connection refused at 127.0.0.1:1; check the network connection",
  },
  {
    name: "AWS_CA_BUNDLE on 1.60 s3",
    exitCode: 1,
    text: '2026/11/21 09:23:03 Failed to create file system for ":s3:bucket": LoadCustomCABundleError: unable to load custom CA bundle, HTTPClient\'s transport unsupported type',
    kind: "fatal",
  },
  {
    name: "unknown remote",
    exitCode: 1,
    text: '2026/11/21 09:22:55 Failed to create file system for "nosuch:foo": didn\'t find section in config file',
    kind: "fatal",
  },
  {
    name: "unknown command",
    exitCode: 1,
    text: '2026/11/21 09:22:55 Fatal error: unknown command "frobnicate" for "rclone"',
    kind: "fatal",
    message: 'unknown command "frobnicate" for "rclone"',
  },
  {
    name: "bisync too many deletes",
    exitCode: 1,
    error:
      'Safety abort: too many deletes (>50%, 6 of 10) on Path1 "/tmp/rc/b1/". Run with --force if desired.',
    text: "2026/11/21 09:23:10 Failed to bisync: too many deletes",
    kind: "fatal",
  },
  {
    name: "bisync resync with missing Path2 (exit 3)",
    exitCode: 3,
    error: "error listing: directory not found",
    text: "2026/11/21 09:23:07 Failed to bisync with 2 errors: last error was: directory not found",
    kind: "not-found",
    message: "error listing: directory not found",
  },
  {
    name: "http URL given https",
    exitCode: 1,
    error:
      'error listing: couldn\'t list files: Propfind "https://127.0.0.1:38181/": http: server gave HTTP response to HTTPS client',
    kind: "fatal",
  },
  // Typical rclone messages from other backends (not reproducible offline here).
  {
    name: "oauth invalid_grant",
    exitCode: 1,
    text: 'Failed to create file system for "gdrive:": couldn\'t fetch token: invalid_grant: maybe token expired? - try refreshing with "rclone config reconnect gdrive:"',
    kind: "auth",
  },
  {
    name: "dropbox expired token",
    exitCode: 1,
    error: "error listing: expired_access_token/",
    kind: "auth",
  },
  {
    name: "s3 AccessDenied",
    exitCode: 1,
    error: "error listing: AccessDenied: Access Denied\n\tstatus code: 403, request id: 7QY, host id: abc",
    kind: "auth",
    message: "error listing: AccessDenied: Access Denied status code: 403, request id: 7QY, host id: abc",
  },
  {
    name: "s3 SignatureDoesNotMatch",
    exitCode: 1,
    error:
      "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.",
    kind: "auth",
  },
  {
    name: "s3 InvalidAccessKeyId",
    exitCode: 1,
    error: "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.",
    kind: "auth",
  },
  {
    name: "local permission denied is not auth",
    exitCode: 1,
    error: "a.txt: Failed to copy: open /tmp/x/a.txt: permission denied",
    kind: "fatal",
  },
  {
    name: "i/o timeout",
    exitCode: 1,
    error: "Failed to copy: read tcp 1.2.3.4:443: i/o timeout",
    kind: "retryable",
  },
  { name: "unexpected EOF", exitCode: 2, error: "x: Failed to copy: unexpected EOF", kind: "retryable" },
  { name: "TLS", exitCode: 1, error: "net/http: TLS handshake timeout", kind: "retryable" },
  { name: "object not found", exitCode: 4, error: "x: object not found", kind: "not-found" },
  // Exit codes alone.
  { name: "exit 2 uncategorised", exitCode: 2, error: "something odd", kind: "retryable" },
  { name: "exit 5 temporary", exitCode: 5, kind: "retryable" },
  { name: "exit 3 directory not found", exitCode: 3, kind: "not-found" },
  { name: "exit 4 file not found", exitCode: 4, kind: "not-found" },
  { name: "exit 6 no-retry", exitCode: 6, kind: "fatal" },
  { name: "exit 7 fatal", exitCode: 7, error: "--max-delete threshold reached", kind: "fatal" },
  { name: "exit 8 transfer limit", exitCode: 8, kind: "fatal" },
  {
    name: "exit 1 unclassified",
    exitCode: 1,
    text: "2026/11/21 09:00:00 Failed to sync: weird",
    kind: "fatal",
  },
];

describe("classifyFailure: captured lines", () => {
  it.each(rows)("$name → $kind", (row) => {
    const result = classifyFailure({
      exitCode: row.exitCode,
      errorMessages: row.error === undefined ? [] : [row.error],
      stderrText: row.text ?? "",
    });
    expect(result.kind).toBe(row.kind);
    expect(result.message).not.toMatch(/\n/);
    expect(result.message.length).toBeGreaterThan(0);
    if (row.message !== undefined) expect(result.message).toBe(row.message);
  });
});

describe("classifyFailure: whole captured runs", () => {
  it("missing source → not-found naming the folder", () => {
    expect(classifyFailure(fromFixture("missing-source", 3))).toEqual({
      kind: "not-found",
      message: "Local file system at /tmp/ws/nope: error reading source root directory: directory not found",
      hint: expect.stringContaining("rclone mkdir"),
    });
  });

  it("unknown flag on 1.60 → fatal", () => {
    const result = classifyFailure(fromFixture("unknown-flag", 1));
    expect(result.kind).toBe("fatal");
    expect(result.message).toBe("unknown flag: --resilient");
    expect(result.hint).toMatch(/upgrade rclone/);
  });

  it("bisync without listings → needs-resync", () => {
    const result = classifyFailure(fromFixture("bisync-no-listings", 2));
    expect(result.kind).toBe("needs-resync");
    expect(result.message).toMatch(/^Bisync critical error: cannot find prior Path1 or Path2 listings/);
  });

  it("bisync lock → lock-held, message names the lock file", () => {
    const result = classifyFailure(fromFixture("bisync-lock", 1));
    expect(result.kind).toBe("lock-held");
    expect(result.message).toBe(
      "Failed to bisync: prior lock file found: /tmp/ws/wd/tmp_ws_b1..tmp_ws_b2.lck",
    );
  });

  it("bisync safety abort → fatal (and not needs-resync: 'Bisync aborted. Please try again.')", () => {
    const result = classifyFailure(fromFixture("bisync-safety", 1));
    expect(result.kind).toBe("fatal");
    expect(result.message).toMatch(/^Safety abort: all files were changed on Path1/);
  });
});

describe("classifyFailure: how it ended", () => {
  const base = { errorMessages: [], stderrText: "" };
  it("timeout wins over the exit status", () => {
    expect(classifyFailure({ ...base, exitCode: null, timedOut: true, timeoutMs: 1500 })).toMatchObject({
      kind: "timeout",
      message: "rclone did not finish within 1.5 s and was stopped",
    });
  });
  it("an abort is retryable and says it was stopped", () => {
    const result = classifyFailure({ ...base, exitCode: null, aborted: true });
    expect(result.kind).toBe("retryable");
    expect(result.message).toMatch(/stopped/);
  });
  it("a spawn error is fatal with install help", () => {
    const result = classifyFailure({
      ...base,
      exitCode: null,
      spawnError: new Error("spawn /x/rclone ENOENT"),
    });
    expect(result).toMatchObject({
      kind: "fatal",
      message: "could not start rclone: spawn /x/rclone ENOENT",
    });
    expect(result.hint).toMatch(/apt-get install rclone/);
  });
  it("killed by a signal from elsewhere is retryable", () => {
    expect(classifyFailure({ ...base, exitCode: null, signal: "SIGKILL" })).toEqual({
      kind: "retryable",
      message: "rclone was killed by SIGKILL",
    });
  });
});

describe("oneLine", () => {
  it("collapses whitespace, drops Error: prefixes and caps the length", () => {
    expect(oneLine("  Error: a\n\tb  ")).toBe("a b");
    expect(oneLine("x".repeat(500))).toHaveLength(300);
  });
});

describe("classifyFailure: a remote that cannot be reached, in plain words", () => {
  // Captured from rclone 1.60.1 on this machine (lsjson with --contimeout 10s --low-level-retries 3).
  const cases = [
    {
      name: "S3 endpoint refused",
      error:
        'error listing: RequestError: send request failed\ncaused by: Get "http://127.0.0.1:9/bkt?delimiter=%2F": dial tcp 127.0.0.1:9: connect: connection refused',
      key: "s3.endpoint",
      cause: "connection-refused",
      endpoint: "127.0.0.1:9",
      message: "connection refused at 127.0.0.1:9; check `s3.endpoint`",
    },
    {
      name: "SFTP host refused",
      text: '2026/12/02 00:07:52 Failed to create file system for "f:bkt/x": NewFs: couldn\'t connect SSH: dial tcp 127.0.0.1:9: connect: connection refused',
      key: "custom.rcloneOptions.host",
      cause: "connection-refused",
      endpoint: "127.0.0.1:9",
      message: "connection refused at 127.0.0.1:9; check `custom.rcloneOptions.host`",
    },
    {
      name: "DNS failure",
      error:
        'error listing: RequestError: send request failed\ncaused by: Get "http://no-such-host.invalid:9000/bkt": dial tcp: lookup no-such-host.invalid on 10.255.255.53:53: no such host',
      key: "s3.endpoint",
      cause: "dns",
      endpoint: "no-such-host.invalid",
      message: "host name not found (DNS): no-such-host.invalid; check `s3.endpoint`",
    },
    {
      name: "TLS to a plain HTTP port",
      error:
        'error listing: RequestError: send request failed\ncaused by: Get "https://127.0.0.1:18443/bkt?delimiter=%2F": tls: first record does not look like a TLS handshake',
      key: "s3.endpoint",
      cause: "tls",
      endpoint: "127.0.0.1:18443",
      message:
        "TLS handshake failed (first record does not look like a TLS handshake) with 127.0.0.1:18443; check `s3.endpoint`",
    },
    {
      name: "an untrusted certificate",
      error: 'Get "https://example.test/": x509: certificate signed by unknown authority',
      key: undefined,
      cause: "tls",
      endpoint: "example.test",
      message:
        "TLS handshake failed (certificate signed by unknown authority) with example.test; check the network connection",
    },
    {
      name: "no answer to connect",
      text: "Failed to create file system: NewFs: couldn't connect SSH: dial tcp 10.1.2.3:22: i/o timeout",
      key: "custom.rcloneOptions.host",
      cause: "unreachable",
      endpoint: "10.1.2.3:22",
      message: "no connection to 10.1.2.3:22; check `custom.rcloneOptions.host`",
    },
  ] as const;
  it.each(cases)("$name", (row) => {
    const result = classifyFailure({
      exitCode: 1,
      errorMessages: "error" in row ? [row.error] : [],
      stderrText: "text" in row ? row.text : "",
      endpointKey: row.key,
    });
    expect(result).toMatchObject({ kind: "retryable", cause: row.cause, endpoint: row.endpoint });
    expect(result.message).toBe(row.message);
    expect(result.hint).not.toMatch(/retr/i);
  });

  it("https:// to a plain HTTP server stays fatal, in plain words naming the key and the fix", () => {
    // Captured from rclone 1.60.1 (lsjson against node:http on 127.0.0.1, s3.endpoint https://).
    const result = classifyFailure({
      exitCode: 1,
      errorMessages: [],
      stderrText:
        'Failed to lsjson with 2 errors: last error was: error in ListJSON: RequestError: send request failed\ncaused by: Get "https://127.0.0.1:18444/bkt?delimiter=%2F&max-keys=1000&prefix=": http: server gave HTTP response to HTTPS client',
      endpointKey: "s3.endpoint",
    });
    expect(result).toMatchObject({ kind: "fatal", cause: "tls", endpoint: "127.0.0.1:18444" });
    expect(result.message).toBe(
      "the server answered in plain HTTP, not TLS (https): 127.0.0.1:18444; check `s3.endpoint`",
    );
    expect(result.hint).toMatch(/http:\/\/ instead of https:\/\//);
  });

  it("a stalled run says how long it waited, typed `stalled`", () => {
    const result = classifyFailure({ exitCode: null, errorMessages: [], stderrText: "", stalledSeconds: 60 });
    expect(result).toMatchObject({ kind: "retryable", cause: "stalled" });
    expect(result.message).toMatch(/no progress for 60 s/);
  });

  it("a usage error still wins over a connection failure", () => {
    const result = classifyFailure({
      exitCode: 1,
      errorMessages: [],
      stderrText: "Error: unknown flag: --resilient\ndial tcp 127.0.0.1:9: connect: connection refused",
    });
    expect(result.kind).toBe("fatal");
  });
});

describe("rclone 1.69+ exit codes (fixtures/v1.69: how they were made is in its README)", () => {
  const v169 = (name: string, exitCode: number): ClassifyInput => ({
    ...fromFixture(`v1.69/${name}`, exitCode),
    exitCodes: "1.69",
  });

  it("exit 2 is a usage error from 1.69: fatal, never retried; on 1.60 exit 2 stays uncategorised", () => {
    // A usage error rclone words as such is fatal by its text, whatever the code.
    const usage = classifyFailure(v169("usage-error", 2));
    expect(usage.kind).toBe("fatal");
    expect(usage.message).toBe("accepts between 2 and 2 arg(s), received 1");
    expect(usage.hint).toMatch(/does not accept that command line/);
    // Where only the code speaks, its meaning depends on the version.
    const odd = { errorMessages: [], stderrText: "2026/11/21 09:25:40 Failed to sync: odd", exitCode: 2 };
    const v169usage = classifyFailure({ ...odd, exitCodes: "1.69" });
    expect(v169usage.kind).toBe("fatal");
    expect(v169usage.hint).toMatch(/usage error/);
    expect(classifyFailure({ ...odd, exitCodes: "1.60" }).kind).toBe("retryable");
    expect(classifyFailure(odd).kind).toBe("retryable");
  });

  it("exit 1 is uncategorised from 1.69: retried, as 1.60's exit 2 is", () => {
    expect(classifyFailure(v169("uncategorised", 1)).kind).toBe("retryable");
    expect(classifyFailure({ ...v169("uncategorised", 2), exitCodes: "1.60" }).kind).toBe("retryable");
    expect(classifyFailure({ ...v169("uncategorised", 1), exitCodes: "1.60" }).kind).toBe("fatal");
  });

  it("a critically aborted bisync exits 7 from 1.69 and still needs --resync", () => {
    const result = classifyFailure(v169("bisync-no-listings", 7));
    expect(result.kind).toBe("needs-resync");
    expect(result.message).toMatch(/^Bisync critical error: cannot find prior Path1 or Path2 listings/);
    expect(
      classifyFailure({ ...v169("bisync-no-listings", 7), errorMessages: [], stderrText: "" }).kind,
    ).toBe("fatal");
  });

  it("the version decides the scheme", async () => {
    const { capabilitiesOf } = await import("../../src/rclone/capabilities.js");
    expect(capabilitiesOf("rclone v1.60.1-DEV").exitCodes).toBe("1.60");
    expect(capabilitiesOf("rclone v1.68.2").exitCodes).toBe("1.60");
    expect(capabilitiesOf("rclone v1.69.1").exitCodes).toBe("1.69");
    expect(capabilitiesOf("rclone v1.75.0").exitCodes).toBe("1.69");
  });
});
