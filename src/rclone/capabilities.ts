/**
 * What the detected rclone can do, from one table keyed by version (1.60 → 1.75). Every argument
 * builder takes these capabilities instead of testing versions itself, so a flag is passed only to an
 * rclone that knows it (1.60 fails at once on an unknown flag: `Error: unknown flag: --resilient`).
 * Pure.
 */
import { parseRcloneVersion, type RcloneVersion, rcloneAtLeast } from "./binary.js";

export interface RcloneCapabilities {
  /** `1.60.1`: the version the table was read at (the oldest supported when unknown). */
  version: string;
  /** bisync `--resilient`: retry after less serious errors without `--resync` (1.64). */
  bisyncResilient: boolean;
  /** bisync `--create-empty-src-dirs` (1.64). */
  bisyncEmptyDirs: boolean;
  /** bisync `--recover`: recover from an interrupted run without `--resync` (1.66). */
  bisyncRecover: boolean;
  /** bisync `--max-lock`: a lock that expires, renewed while the run lives (1.66). */
  bisyncMaxLock: boolean;
  /** bisync `--conflict-resolve`, `--conflict-loser`, `--conflict-suffix` (1.66). */
  bisyncConflictFlags: boolean;
  /** bisync `--resync-mode` (1.66). */
  bisyncResyncMode: boolean;
  /** The bisync lock file holds JSON `{Session, PID, TimeRenewed, TimeExpires}` (1.66); before, only the PID. */
  bisyncJsonLock: boolean;
  /**
   * bisync lists a side again for its final listing after copying into it, so an edit made there during the
   * run is recorded as synced (before 1.66; from 1.66 the final listings come from the start listings and
   * the transfers, and such an edit is seen by the next run).
   */
  bisyncRelists: boolean;
  /** The exit code of "Bisync aborted. Must run --resync to recover." (2, then 7 from 1.69). */
  bisyncResyncExitCode: number;
  /**
   * What rclone's exit codes mean (`lib/exitcode`): up to 1.68, 1 is a usage error and 2 is uncategorised;
   * from 1.69, 1 is uncategorised and 2 a usage error, and a critically aborted bisync exits 7 (fatal).
   */
  exitCodes: ExitCodeScheme;
}

/** The two meanings of rclone's exit codes 1 and 2, named by the release that brought each. */
export type ExitCodeScheme = "1.60" | "1.69";

/** The oldest rclone this tool supports: Debian bookworm's. */
export const oldestSupported = "1.60.0";

type Row = { since: readonly [number, number, number]; adds: Partial<Omit<RcloneCapabilities, "version">> };

/** What 1.60 has: the baseline every other version starts from (an older or unreadable one gets just this). */
const baseline: Omit<RcloneCapabilities, "version"> = {
  bisyncResilient: false,
  bisyncEmptyDirs: false,
  bisyncRecover: false,
  bisyncMaxLock: false,
  bisyncConflictFlags: false,
  bisyncResyncMode: false,
  bisyncJsonLock: false,
  bisyncRelists: true,
  bisyncResyncExitCode: 2,
  exitCodes: "1.60",
};

/** The one table: each row adds what a release brought (read from `cmd/bisync/cmd.go` at each tag). */
export const capabilityTable: readonly Row[] = [
  { since: [1, 64, 0], adds: { bisyncResilient: true, bisyncEmptyDirs: true } },
  {
    since: [1, 66, 0],
    adds: {
      bisyncRecover: true,
      bisyncMaxLock: true,
      bisyncConflictFlags: true,
      bisyncResyncMode: true,
      bisyncJsonLock: true,
      bisyncRelists: false,
    },
  },
  { since: [1, 69, 0], adds: { bisyncResyncExitCode: 7, exitCodes: "1.69" } },
];

/** Capabilities of `version` (a parsed version, `rclone version`'s first line, or null for the oldest). */
export function capabilitiesOf(version: RcloneVersion | string | null | undefined): RcloneCapabilities {
  const parsed =
    version === null || version === undefined
      ? null
      : typeof version === "string"
        ? safeParse(version)
        : version;
  let caps: RcloneCapabilities = {
    ...baseline,
    version: parsed ? `${parsed.major}.${parsed.minor}.${parsed.patch}` : oldestSupported,
  };
  for (const row of capabilityTable) {
    const [major, minor, patch] = row.since;
    if (parsed !== null && rcloneAtLeast(parsed, major, minor, patch)) caps = { ...caps, ...row.adds };
  }
  return caps;
}

function safeParse(text: string): RcloneVersion | null {
  try {
    return parseRcloneVersion(text);
  } catch {
    return null;
  }
}
