/** A `ProgressFeed` fed by whoever receives rclone's statistics (a socket subscription, a unit in-process). */
import type { RcloneProgress } from "../../rclone/progress.js";
import type { LiveProgress, ProgressFeed } from "./source.js";

export interface ProgressHub extends ProgressFeed {
  /** Hand the listeners one statistics update. */
  push(stats: RcloneProgress): void;
  /** How many listen (a caller may ask rclone for statistics only while someone does). */
  readonly listeners: number;
}

export function progressHub(onWarning: (message: string) => void = () => undefined): ProgressHub {
  const listeners = new Set<(progress: LiveProgress) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(stats) {
      const update: LiveProgress = { at: new Date().toISOString(), stats };
      for (const listener of listeners) {
        try {
          listener(update);
        } catch (error) {
          onWarning(`a progress listener failed: ${String(error)}`);
        }
      }
    },
    get listeners() {
      return listeners.size;
    },
  };
}
