/**
 * Live progress from rclone: with `--stats 1s --stats-one-line --stats-log-level NOTICE --use-json-log`
 * rclone writes one JSON line a second whose `stats` carry totals and a `transferring` array.
 */

/** The flags that make rclone report progress once a second (as JSON log lines, with `--use-json-log`). */
export const progressFlags = ["--stats", "1s", "--stats-one-line", "--stats-log-level", "NOTICE"] as const;

export interface TransferringFile {
  name: string;
  bytes: number;
  size: number;
  percentage: number;
  /** Bytes a second. */
  speed: number;
  etaSeconds: number | null;
}

export interface RcloneProgress {
  bytes: number;
  totalBytes: number;
  transfers: number;
  totalTransfers: number;
  checks: number;
  totalChecks: number;
  deletes: number;
  errors: number;
  /** Bytes a second, over the whole run. */
  speed: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
  transferring: TransferringFile[];
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function eta(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** rclone's raw `stats` object as {@link RcloneProgress}. */
export function toProgress(stats: Record<string, unknown>): RcloneProgress {
  const transferring = Array.isArray(stats.transferring) ? stats.transferring.filter(isRecord) : [];
  return {
    bytes: num(stats.bytes),
    totalBytes: num(stats.totalBytes),
    transfers: num(stats.transfers),
    totalTransfers: num(stats.totalTransfers),
    checks: num(stats.checks),
    totalChecks: num(stats.totalChecks),
    deletes: num(stats.deletes),
    errors: num(stats.errors),
    speed: num(stats.speed),
    etaSeconds: eta(stats.eta),
    elapsedSeconds: num(stats.elapsedTime),
    transferring: transferring.map((file) => ({
      name: typeof file.name === "string" ? file.name : "",
      bytes: num(file.bytes),
      size: num(file.size),
      percentage: num(file.percentage),
      speed: num(file.speed),
      etaSeconds: eta(file.eta),
    })),
  };
}
