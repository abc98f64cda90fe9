import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  createRcloneLogParser,
  parseRcloneLog,
  type RcloneLogLine,
  toTransferStats,
} from "../../src/rclone/json-log.js";

/** Real rclone 1.60.1 stderr, captured with `--use-json-log -v` (paths rewritten to /tmp/ws). */
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}.log`, import.meta.url), "utf8");

describe("parseRcloneLog on real rclone 1.60.1 output", () => {
  it("reads a first sync: three new files and the final stats", () => {
    const summary = parseRcloneLog(fixture("sync-new"));
    expect(summary.changes).toEqual([
      { path: "a.txt", action: "copied" },
      { path: "c d.txt", action: "copied" },
      { path: "sub/b.txt", action: "copied" },
    ]);
    expect(summary.stats).toMatchObject({ bytes: 9, transfers: 3, deletes: 0, errors: 0 });
    expect(summary.stats?.elapsedSeconds).toBeGreaterThan(0);
    expect(summary.errorMessages).toEqual([]);
    expect(summary.textLines).toEqual([]);
  });

  it("reads replaced, touched and deleted files", () => {
    const summary = parseRcloneLog(fixture("sync-update"));
    expect(summary.changes).toEqual([
      { path: "e.txt", action: "copied" },
      { path: "a.txt", action: "copied" },
      { path: "sub/b.txt", action: "updated" },
      { path: "c d.txt", action: "deleted" },
    ]);
    expect(summary.stats).toMatchObject({ transfers: 2, deletes: 1, checks: 3 });
  });

  it("marks dry-run lines as dryRun changes", () => {
    const summary = parseRcloneLog(fixture("sync-dry-run"));
    expect(summary.changes).toEqual([
      { path: "e.txt", action: "copied", dryRun: true },
      { path: "a.txt", action: "copied", dryRun: true },
      { path: "sub/b.txt", action: "updated", dryRun: true },
      { path: "c d.txt", action: "deleted", dryRun: true },
    ]);
    // rclone counts what it would have done.
    expect(summary.stats).toMatchObject({ transfers: 2, deletes: 1 });
  });

  it("reads per-file moves and ignores folder-level lines", () => {
    expect(parseRcloneLog(fixture("move")).changes).toEqual([
      { path: "e.txt", action: "moved" },
      { path: "sub/b.txt", action: "moved" },
      { path: "a.txt", action: "moved" },
    ]);
    // A dry-run move of a whole folder is one folder-level line: no per-file changes.
    expect(parseRcloneLog(fixture("move-dry-run")).changes).toEqual([]);
  });

  it("reads renames from moveto and --track-renames without counting them twice", () => {
    expect(parseRcloneLog(fixture("moveto")).changes).toEqual([
      { path: "renamed.txt", action: "renamed", from: "a.txt" },
    ]);
    expect(parseRcloneLog(fixture("track-renames")).changes).toEqual([
      { path: "b", action: "renamed", from: "a" },
    ]);
    expect(parseRcloneLog(fixture("track-renames-dry-run")).changes).toEqual([
      { path: "b", action: "renamed", from: "a", dryRun: true },
    ]);
  });

  it("reads deletions, real and dry-run", () => {
    expect(parseRcloneLog(fixture("delete")).changes.map((c) => c.action)).toEqual(Array(4).fill("deleted"));
    expect(parseRcloneLog(fixture("delete-dry-run")).changes).toContainEqual({
      path: "renamed.txt",
      action: "deleted",
      dryRun: true,
    });
  });

  it("collects error lines with their object, lastError and plain text lines", () => {
    const summary = parseRcloneLog(fixture("missing-source"));
    expect(summary.errorMessages[0]).toBe(
      "Local file system at /tmp/ws/nope: error reading source root directory: directory not found",
    );
    expect(summary.errorMessages).toHaveLength(4);
    expect(summary.lastError).toBe("directory not found");
    expect(summary.stats?.errors).toBe(1);
    expect(summary.textLines).toEqual(["2026/11/21 09:25:40 Failed to sync: directory not found"]);
  });

  it("keeps usage output as text", () => {
    const summary = parseRcloneLog(fixture("unknown-flag"));
    expect(summary.stats).toBeUndefined();
    expect(summary.textLines[0]).toBe("Error: unknown flag: --resilient");
    expect(summary.textLines.at(-1)).toBe("2026/11/21 09:25:40 Fatal error: unknown flag: --resilient");
  });

  it("reads the other copy messages rclone has (server-side, Rcat, multi-thread, copyto)", () => {
    const lines = [
      { level: "info", msg: "Copied (server-side copy)", object: "x" },
      { level: "info", msg: "Copied (Rcat, new)", object: "y" },
      { level: "info", msg: "Multi-thread Copied (replaced existing)", object: "z" },
      { level: "info", msg: "Copied (new) to: x3.txt", object: "x2.txt" },
      { level: "info", msg: "Moved into backup dir", object: "old" },
      { level: "info", msg: "Removing directory", object: "sub", objectType: "string" },
      {
        level: "warning",
        msg: "Skipped remove directory as --dry-run is set",
        object: "sub",
        skipped: "remove directory",
      },
    ];
    const summary = parseRcloneLog(lines.map((line) => JSON.stringify(line)).join("\n"));
    expect(summary.changes).toEqual([
      { path: "x", action: "copied" },
      { path: "y", action: "copied" },
      { path: "z", action: "copied" },
      { path: "x3.txt", action: "copied" },
      { path: "old", action: "deleted" },
    ]);
  });
});

describe("createRcloneLogParser streaming", () => {
  it("gives the same result whatever the chunk boundaries, including inside UTF-8 characters", () => {
    const text = `${fixture("sync-update")}{"level":"info","msg":"Copied (new)","object":"é/ü 日本.txt"}\n`;
    const whole = parseRcloneLog(text);
    const bytes = Buffer.from(text, "utf8");
    for (const size of [1, 2, 3, 7, 64, 333]) {
      const parser = createRcloneLogParser();
      for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
      expect(parser.end()).toEqual(whole);
    }
    expect(whole.changes.at(-1)).toEqual({ path: "é/ü 日本.txt", action: "copied" });
  });

  it("handles a last line without a newline and CRLF endings, and streams lines to onLine", () => {
    const seen: RcloneLogLine[] = [];
    const parser = createRcloneLogParser({ onLine: (line) => seen.push(line) });
    parser.push('{"level":"info","msg":"Deleted","object":"a"}\r\n{"level":"info","msg":"Del');
    expect(seen).toHaveLength(1);
    parser.push('eted","object":"b"}');
    const summary = parser.end();
    expect(summary.changes).toEqual([
      { path: "a", action: "deleted" },
      { path: "b", action: "deleted" },
    ]);
    expect(seen.map((line) => line.object)).toEqual(["a", "b"]);
    expect(parser.end()).toBe(summary);
  });

  it("bounds kept text lines: first and last ones", () => {
    const parser = createRcloneLogParser({ maxTextLines: 2 });
    parser.push(["l1", "l2", "l3", "l4", "l5", "l6", ""].join("\n"));
    const summary = parser.end();
    expect(summary.textLines).toEqual(["l1", "l2", "l5", "l6"]);
    expect(summary.droppedLines).toBe(2);
  });

  it("is cheap on 10k-file output", () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        JSON.stringify({
          level: "info",
          msg: "Copied (new)",
          object: `dir${i % 50}/file-${i}.txt`,
          objectType: "*local.Object",
          source: "operations/operations.go:566",
          time: "2026-11-21T09:22:31.164381+00:00",
        }),
      );
    }
    lines.push(fixture("sync-new").split("\n")[3] ?? "");
    const bytes = Buffer.from(`${lines.join("\n")}\n`);
    const started = performance.now();
    const parser = createRcloneLogParser();
    for (let i = 0; i < bytes.length; i += 65_536) parser.push(bytes.subarray(i, i + 65_536));
    const summary = parser.end();
    const elapsed = performance.now() - started;
    expect(summary.changes).toHaveLength(10_000);
    expect(summary.stats?.transfers).toBe(3);
    expect(elapsed).toBeLessThan(500);
  });
});

describe("toTransferStats", () => {
  it("maps rclone's names and defaults missing numbers to 0", () => {
    expect(toTransferStats({ bytes: 5, transfers: 1, elapsedTime: 1.5, renames: 2, checks: "x" })).toEqual({
      bytes: 5,
      transfers: 1,
      deletes: 0,
      checks: 0,
      renames: 2,
      errors: 0,
      elapsedSeconds: 1.5,
    });
  });
});
