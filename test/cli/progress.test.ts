/** The progress display: a live line on a terminal, periodic plain lines otherwise, nothing with --json. */
import { describe, expect, it } from "vitest";
import { createProgressReporter, progressLine, progressMode } from "../../src/cli/progress.js";
import type { RcloneProgress } from "../../src/rclone/progress.js";

const progress = (over: Partial<RcloneProgress> = {}): RcloneProgress => ({
  bytes: 12 * 1024 * 1024,
  totalBytes: 40 * 1024 * 1024,
  transfers: 3,
  totalTransfers: 10,
  checks: 0,
  totalChecks: 0,
  deletes: 0,
  errors: 0,
  speed: 2 * 1024 * 1024,
  etaSeconds: 14,
  elapsedSeconds: 6,
  transferring: [{ name: "big.bin", bytes: 1, size: 2, percentage: 45, speed: 1, etaSeconds: 3 }],
  ...over,
});

function sink(isTTY: boolean, columns = 200) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns, write: (text: string) => written.push(text) } };
}

describe("progress for people", () => {
  it("says bytes, files, speed, ETA and the current file in one line", () => {
    expect(progressLine("pushing", progress())).toBe(
      "pushing  12.0 MiB / 40.0 MiB (30%), 3/10 files, 2.0 MiB/s, ETA 14s, big.bin 45%",
    );
    expect(progressLine("pushing", progress({ etaSeconds: null, transferring: [], errors: 2 }))).toBe(
      "pushing  12.0 MiB / 40.0 MiB (30%), 3/10 files, 2.0 MiB/s, 2 errors",
    );
  });

  it("for a stream of unknown size (a backup's upload), says what was sent and how many files so far", () => {
    const upload = progress({
      totalBytes: 0,
      totalTransfers: 0,
      transfers: 340,
      etaSeconds: null,
      transferring: [],
    });
    expect(progressLine("archiving", upload)).toBe("archiving  12.0 MiB, 340 files, 2.0 MiB/s");
  });

  it("chooses the display from --json and the terminal", () => {
    expect(progressMode({ json: true, isTTY: true })).toBe("off");
    expect(progressMode({ json: false, isTTY: true })).toBe("tty");
    expect(progressMode({ json: false, isTTY: undefined })).toBe("lines");
  });

  it("on a terminal, rewrites one line and clears it when done", () => {
    const { written, stream } = sink(true, 40);
    const reporter = createProgressReporter({ stream, mode: "tty" });
    reporter.update("pushing", progress());
    reporter.update("pushing", progress({ bytes: 20 * 1024 * 1024 }));
    reporter.done();
    expect(written).toHaveLength(3);
    for (const text of written) expect(text.startsWith("\r\u001b[2K")).toBe(true);
    // The escape sequence (5 characters) and the line cut to the terminal width less one.
    expect(written[0]?.length).toBe(5 + 39);
    expect(written[0]?.endsWith("…")).toBe(true);
    expect(written[2]).toBe("\r\u001b[2K");
  });

  it("elsewhere, prints plain lines only for long runs, at most one per interval", () => {
    const { written, stream } = sink(false);
    let now = 0;
    const reporter = createProgressReporter({ stream, mode: "lines", intervalMs: 5000, now: () => now });
    reporter.update("pushing", progress({ elapsedSeconds: 1 }));
    expect(written).toEqual([]);
    reporter.update("pushing", progress({ elapsedSeconds: 5 }));
    now += 1000;
    reporter.update("pushing", progress({ elapsedSeconds: 6 }));
    now += 5000;
    reporter.update("pushing", progress({ elapsedSeconds: 11 }));
    reporter.done();
    expect(written).toHaveLength(2);
    for (const text of written) expect(text).toMatch(/^pushing {2}.*\n$/);
  });

  it("with --json, prints nothing", () => {
    const { written, stream } = sink(true);
    const reporter = createProgressReporter({ stream, mode: "off" });
    reporter.update("pushing", progress());
    reporter.done();
    expect(written).toEqual([]);
  });
});
