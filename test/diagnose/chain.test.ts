/** The diagnosis chain with its effects given: order, stop at the first failure, the fix; and its pure parts. */
import { describe, expect, it } from "vitest";
import { ConfigError, type LoadedConfig, parseConfig } from "../../src/config/load.js";
import { type DiagnoseEffects, diagnose, type PlannedRemote } from "../../src/diagnose/chain.js";
import { rcloneFeatures, rcloneInstallCommand } from "../../src/diagnose/features.js";
import { nextRunOf } from "../../src/diagnose/schedule.js";
import { parseRcloneVersion } from "../../src/rclone/binary.js";
import type { RcloneResult } from "../../src/rclone/run.js";

const loaded: LoadedConfig = parseConfig({ mode: "mailbox", provider: "local" }, "cfg.json", {});
const remote: PlannedRemote = {
  describe: "local folder /c",
  remoteName: "cloud",
  configPath: "/s/rclone.conf",
  remoteBase: "cloud:",
  remoteRoot: "cloud:openclaw-share",
  redact: (t) => t,
};
const ok = (stdout = ""): RcloneResult =>
  ({
    ok: true,
    exitCode: 0,
    command: "rclone",
    stats: {},
    changes: [],
    stdout,
    durationMs: 5,
  }) as unknown as RcloneResult;
const failed = (kind: string, message: string): RcloneResult =>
  ({
    ok: false,
    exitCode: 1,
    command: "rclone",
    stats: {},
    changes: [],
    stdout: "",
    durationMs: 5,
    failure: { kind, message, command: "rclone" },
  }) as unknown as RcloneResult;

function effects(overrides: Partial<DiagnoseEffects> = {}): DiagnoseEffects {
  return {
    findRclone: async () => "/usr/bin/rclone",
    readVersion: async () => parseRcloneVersion("rclone v1.60.1-DEV"),
    installHint: () => "install it: apt-get install -y rclone",
    loadConfig: async () => loaded,
    prepareRemote: async () => remote,
    rclone: async (_binary, args) => (args[0] === "lsf" ? ok("a.txt\nb/\n") : ok("[]")),
    ...overrides,
  };
}

const ids = (checks: { id: string; ok: boolean | null }[]) => checks.map((c) => `${c.id}:${String(c.ok)}`);

describe("diagnose", () => {
  it("runs every check in order when all is well", async () => {
    const d = await diagnose(effects());
    expect(d.ok).toBe(true);
    expect(ids(d.checks)).toEqual([
      "rclone:true",
      "config:true",
      "remote:true",
      "credentials:true",
      "reachable:true",
      "remotePath:true",
    ]);
    expect(d.checks[0]?.detail).toContain("a newer rclone adds bisync --resilient");
    expect(d.checks[5]?.detail).toContain("2 entries");
  });

  it("stops at rclone missing, with the install command", async () => {
    const d = await diagnose(
      effects({ findRclone: async () => Promise.reject(new Error("rclone was not found")) }),
    );
    expect(ids(d.checks)).toEqual(["rclone:false"]);
    expect(d.checks[0]?.fix).toBe("install it: apt-get install -y rclone");
  });

  it("stops at a bad config, then at a remote without credentials, each with its fix", async () => {
    const bad = await diagnose(
      effects({ loadConfig: async () => Promise.reject(new ConfigError("`mode` is required", "c")) }),
    );
    expect(ids(bad.checks)).toEqual(["rclone:true", "config:false"]);
    const noToken = await diagnose(
      effects({
        prepareRemote: async () =>
          Promise.reject(
            new Error("the dropbox remote has no token: run `workspace-sync authorize --provider dropbox`"),
          ),
      }),
    );
    expect(noToken.checks.at(-1)).toMatchObject({
      id: "remote",
      ok: false,
      detail: "the dropbox remote has no token",
      fix: "run `workspace-sync authorize --provider dropbox`",
    });
  });

  it("tells refused credentials from an unreachable remote; a missing remote folder is not a failure", async () => {
    const auth = await diagnose(effects({ rclone: async () => failed("auth", "401 unauthorized") }));
    expect(ids(auth.checks).slice(3)).toEqual(["credentials:false"]);
    const down = await diagnose(effects({ rclone: async () => failed("retryable", "connection refused") }));
    expect(ids(down.checks).slice(3)).toEqual(["credentials:null", "reachable:false"]);
    const fresh = await diagnose(
      effects({
        rclone: async (_b, args) => (args[0] === "lsf" ? failed("not-found", "directory not found") : ok()),
      }),
    );
    expect(fresh.ok).toBe(true);
    expect(fresh.checks.at(-1)?.detail).toContain("the first sync creates it");
    const offline = await diagnose(effects({ rclone: async () => failed("auth", "x") }), { offline: true });
    expect(ids(offline.checks)).toEqual(["rclone:true", "config:true", "remote:true"]);
  });

  it.each([
    ["rclone v1.60.1-DEV", "1.60"],
    ["rclone v1.68.2", "1.60"],
    ["rclone v1.69.0", "1.69"],
    ["rclone v1.75.0", "1.69"],
  ])("hands every rclone call the exit codes of the version it read (%s: %s)", async (line, scheme) => {
    const schemes: string[] = [];
    await diagnose(
      effects({
        readVersion: async () => parseRcloneVersion(line),
        rclone: async (_b, args, _r, exitCodes) => {
          schemes.push(exitCodes);
          return args[0] === "lsf" ? ok() : ok("[]");
        },
      }),
    );
    expect(schemes).toEqual([scheme, scheme]);
  });
});

describe("pure parts", () => {
  it("rclone features by version", () => {
    expect(rcloneFeatures(parseRcloneVersion("rclone v1.66.0")).missing).toEqual([]);
    expect(rcloneFeatures(parseRcloneVersion("rclone v1.57.0")).missing[0]).toBe("bisync (1.58)");
  });

  it("install commands come from the package manager", () => {
    const has =
      (...cmds: string[]) =>
      (c: string) =>
        cmds.includes(c);
    expect(rcloneInstallCommand("linux", has("apt-get"), false)).toBe("sudo apt-get install -y rclone");
    expect(rcloneInstallCommand("linux", has("dnf"), true)).toBe("dnf install -y rclone");
    expect(rcloneInstallCommand("darwin", has("brew"), false)).toBe("brew install rclone");
    expect(rcloneInstallCommand("linux", has(), false)).toMatch(/package manager/);
  });

  it("the next run", () => {
    const base = { retryAt: null, hostRunning: true, now: Date.parse("2030-01-01T00:00:00Z") };
    expect(nextRunOf({ ...base, interval: 0, lastFinishedAt: null }).at).toBeNull();
    expect(nextRunOf({ ...base, interval: 300, lastFinishedAt: "2030-01-01T00:00:00Z" }).at).toBe(
      "2030-01-01T00:05:00.000Z",
    );
    expect(nextRunOf({ ...base, interval: 300, lastFinishedAt: "2029-01-01T00:00:00Z" }).at).toBe(
      "2030-01-01T00:00:00.000Z",
    );
    expect(
      nextRunOf({ ...base, interval: 300, lastFinishedAt: null, retryAt: "2030-01-01T00:01:00Z" }).note,
    ).toContain("retry");
  });

  it("counts an interval below 60 as the host does: raised to 60, and says so", () => {
    const base = { retryAt: null, hostRunning: true, now: Date.parse("2030-01-01T00:00:00Z") };
    const next = nextRunOf({ ...base, interval: 30, lastFinishedAt: "2030-01-01T00:00:00Z" });
    expect(next.at).toBe("2030-01-01T00:01:00.000Z");
    expect(next.note).toBe("every 60 s; `interval` 30 s raised to the minimum 60 s");
    expect(nextRunOf({ ...base, interval: 60, lastFinishedAt: null }).note).not.toContain("raised");
  });

  it("promises a retry only while a host runs", () => {
    const failed = { interval: 0, lastFinishedAt: null, retryAt: "2030-01-01T00:01:00Z", now: 0 };
    expect(nextRunOf({ ...failed, hostRunning: true }).note).toBe("a retry of the failed cycle");
    const alone = nextRunOf({ ...failed, hostRunning: false }).note;
    expect(alone).toContain("once a host runs");
    expect(alone).toContain("workspace-sync sync");
  });
});
