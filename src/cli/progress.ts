/**
 * Live progress for people, from rclone's stats: one line rewritten in place on a terminal, a plain
 * line every few seconds of a long run otherwise, nothing with `--json`. Reusable by any long command (`sync`,
 * `backup now`): feed it `update(label, progress)` and call `done()` before printing the outcome.
 */
import type { RcloneProgress } from "../rclone/progress.js";
import { bytes } from "../util/text.js";

export type ProgressMode = "tty" | "lines" | "off";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporterOptions {
  stream: ProgressStream;
  mode: ProgressMode;
  /**
   * Mode `lines`: a line once a run has gone on this long (by rclone's own clock, so short runs print
   * nothing), then at most one per this long. Default 5000 ms.
   */
  intervalMs?: number;
  now?: () => number;
}

export interface ProgressReporter {
  update(label: string, progress: RcloneProgress): void;
  /** Clears the live line (mode `tty`); call before printing anything else. */
  done(): void;
}

/** `--json`: nothing extra; a terminal: a live line; anything else: periodic plain lines. */
export function progressMode(options: { json: boolean; isTTY: boolean | undefined }): ProgressMode {
  if (options.json) return "off";
  return options.isTTY === true ? "tty" : "lines";
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * `pushing  12.0 MiB / 40.0 MiB (30%), 3/10 files, 2.0 MiB/s, ETA 14s, big.bin 45%`; with no totals (a
 * stream, such as a backup's upload): `archiving  12.0 MiB, 340 files, 2.0 MiB/s`.
 */
export function progressLine(label: string, p: RcloneProgress): string {
  const known = p.totalBytes > 0 || p.totalTransfers > 0;
  const percent = p.totalBytes > 0 ? ` (${Math.floor((p.bytes / p.totalBytes) * 100)}%)` : "";
  const parts = known
    ? [`${bytes(p.bytes)} / ${bytes(p.totalBytes)}${percent}`, `${p.transfers}/${p.totalTransfers} files`]
    : [bytes(p.bytes), `${p.transfers} files`];
  parts.push(`${bytes(Math.round(p.speed))}/s`);
  if (p.etaSeconds !== null) parts.push(`ETA ${duration(p.etaSeconds)}`);
  if (p.errors > 0) parts.push(`${p.errors} errors`);
  const current = p.transferring[0];
  if (current) {
    const more = p.transferring.length > 1 ? ` (+${p.transferring.length - 1})` : "";
    parts.push(`${current.name} ${current.percentage}%${more}`);
  }
  return `${label}  ${parts.join(", ")}`;
}

const clearLine = "\r\u001b[2K";

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { stream, mode } = options;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  let lastLine = Number.NEGATIVE_INFINITY;
  let showing = false;
  return {
    update(label, progress) {
      if (mode === "off") return;
      const line = progressLine(label, progress);
      if (mode === "tty") {
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        stream.write(`${clearLine}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
        showing = true;
        return;
      }
      if (progress.elapsedSeconds * 1000 < interval || now() - lastLine < interval) return;
      lastLine = now();
      stream.write(`${line}\n`);
    },
    done() {
      if (showing) stream.write(clearLine);
      showing = false;
    },
  };
}
