/**
 * The bisync command line, gated on the detected rclone's capabilities: `--resilient`, `--recover`,
 * `--max-lock` and the native conflict flags are passed only to an rclone that knows them.
 * path1 = the remote, path2 = the workspace's synced folder.
 */
import { join } from "node:path";
import type { RcloneCapabilities } from "../../rclone/capabilities.js";

export type ConflictPolicy = "newer" | "local" | "remote";

export interface BisyncSettings {
  remoteRoot: string;
  localDir: string;
  /** `<stateDir>/workspaces/<id>/bisync`: listings, locks and the filters file. */
  workdir: string;
  maxDelete: number;
  conflictResolve: ConflictPolicy;
}

export interface BisyncRunFlags {
  dryRun: boolean;
  force: boolean;
  resync: boolean;
}

/** How long a bisync lock lives unless renewed (rclone >= 1.66): after that it is provably stale. */
export const maxLock = "15m";
/** The loser of a conflict is kept as `<name>.conflict<N>`, the same name on every rclone version. */
export const conflictSuffix = "conflict";

export function filtersFileOf(workdir: string): string {
  return join(workdir, "filters.txt");
}

/** Bisync's own excludes: the tool's folder when the synced folder is the workspace root. */
export function bisyncOwnExcludes(syncsWorkspaceRoot: boolean): string[] {
  return syncsWorkspaceRoot ? ["/.workspace-sync/**"] : [];
}

/** The filters file: bisync records its hash and asks for `--resync` when it changes. */
export function filtersText(exclude: readonly string[], syncsWorkspaceRoot: boolean): string {
  const lines = ["# Written by workspace-sync from the config's `exclude`. Do not edit."];
  for (const pattern of bisyncOwnExcludes(syncsWorkspaceRoot)) lines.push(`- ${pattern}`);
  for (const pattern of exclude) lines.push(`- ${pattern}`);
  return `${lines.join("\n")}\n`;
}

const nativePolicy: Record<ConflictPolicy, string> = { newer: "newer", local: "path2", remote: "path1" };

export function bisyncArgs(
  settings: BisyncSettings,
  caps: RcloneCapabilities,
  flags: BisyncRunFlags,
): string[] {
  const args = [
    "bisync",
    settings.remoteRoot,
    settings.localDir,
    "--workdir",
    settings.workdir,
    "--filters-file",
    filtersFileOf(settings.workdir),
    // bisync reads the global --max-delete as a percentage of each side's files.
    "--max-delete",
    String(settings.maxDelete),
  ];
  if (caps.bisyncResilient) args.push("--resilient");
  if (caps.bisyncRecover) args.push("--recover");
  if (caps.bisyncMaxLock) args.push("--max-lock", maxLock);
  if (caps.bisyncConflictFlags) {
    args.push("--conflict-resolve", nativePolicy[settings.conflictResolve]);
    args.push("--conflict-loser", "num", "--conflict-suffix", conflictSuffix);
  }
  if (caps.bisyncRelists && !flags.resync && !flags.dryRun) {
    // Keep the start listings and skip the final check: `repairChangedDuringRun` compares and repairs
    // the final listings itself (see during-run.ts).
    args.push("--no-cleanup", "--check-sync=false");
  }
  if (flags.resync) args.push("--resync");
  if (flags.force) args.push("--force");
  if (flags.dryRun) args.push("--dry-run");
  return args;
}
