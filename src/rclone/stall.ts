/**
 * The stall watchdog of one rclone run: rclone's own idle timeout (`--timeout`) does not stop every
 * frozen transfer (an SFTP server stopped mid-push kept 1.60.1 waiting), so the runner watches for any
 * sign of life and stops a run that shows none for the stall limit.
 *
 * Signs of life: a change in rclone's transfer counters (bytes, checks, transfers, deletes, renames,
 * errors), and, where `/proc/<pid>/io` exists (Linux), any byte rclone read or wrote through a system call
 * (its network traffic, files, stdin) other than the log lines it sends us. A long listing on a slow
 * server reads from the network, so it is alive; a transfer blocked on a server that stopped answering is
 * not.
 */
import { readFile } from "node:fs/promises";
import type { TransferStats } from "../../machines/outcomes.js";

export interface StallWatch {
  /** rclone wrote `bytes` more to us (stderr, stdout): not a sign of life on its own. */
  output(bytes: number): void;
  /** rclone's newest stats counters. */
  stats(stats: Partial<TransferStats>): void;
  stop(): void;
}

export interface StallOptions {
  pid: number;
  /** No sign of life for this long: `onStall` is called once. */
  limitMs: number;
  onStall: () => void;
  /** How often to look (default a tenth of the limit, at least 250 ms, at most 5 s). */
  everyMs?: number;
  now?: () => number;
}

/** Bytes read and written by `pid` through system calls, or null where `/proc/<pid>/io` is not readable. */
async function ioBytes(pid: number): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/io`, "utf8");
    const field = (name: string) =>
      Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN);
    const total = field("rchar") + field("wchar");
    return Number.isFinite(total) ? total : null;
  } catch {
    return null;
  }
}

const counters = ["bytes", "checks", "transfers", "deletes", "renames", "errors"] as const;

export function watchStall(options: StallOptions): StallWatch {
  const now = options.now ?? (() => performance.now());
  const every = options.everyMs ?? Math.min(5_000, Math.max(250, Math.round(options.limitMs / 10)));
  let lastLife = now();
  let outputBytes = 0;
  let ioHigh = -1;
  let statsSeen = "";
  let stopped = false;
  let busy = false;
  const alive = () => {
    lastLife = now();
  };
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    void ioBytes(options.pid)
      .then((io) => {
        if (stopped) return;
        // What rclone sent us is no sign of life: a stuck rclone still prints its stats every second.
        // A high-water mark, so a line written but not read yet counts once at most.
        const own = io === null ? null : io - outputBytes;
        if (own !== null && own > ioHigh) {
          if (ioHigh >= 0) alive();
          ioHigh = own;
        }
        if (now() - lastLife >= options.limitMs) {
          stopped = true;
          clearInterval(timer);
          options.onStall();
        }
      })
      .finally(() => {
        busy = false;
      });
  }, every);
  timer.unref();
  return {
    output(bytes) {
      outputBytes += bytes;
    },
    stats(stats) {
      const seen = counters.map((name) => String(stats[name] ?? 0)).join(":");
      if (seen !== statsSeen) {
        if (statsSeen !== "") alive();
        statsSeen = seen;
      }
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
