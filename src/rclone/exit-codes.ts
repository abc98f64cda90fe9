/**
 * Where a run learns what the installed rclone's exit codes mean (1.69 swapped 1 and 2). A host reads
 * `rclone version` once at start and hands every run the scheme; a command that runs rclone once or twice
 * and has not read the version (`list`, the backup commands that only read) hands a reader instead, asked
 * only when a failure's exit code is 1 or 2: a run that succeeds, or fails with any other code, never pays
 * for the extra `rclone version` (about 55 ms a call here).
 */
import { readRcloneVersion } from "./binary.js";
import { capabilitiesOf, type ExitCodeScheme } from "./capabilities.js";

/** The scheme itself, or a reader of it (see {@link exitCodesOnDemand}). */
export type ExitCodesSource = ExitCodeScheme | (() => Promise<ExitCodeScheme>);

/**
 * Reads `binary`'s version the first time it is asked, and answers from that read after. A version that
 * cannot be read gives the oldest supported rclone's scheme (the run it is asked for has failed already).
 */
export function exitCodesOnDemand(binary: string, env: NodeJS.ProcessEnv): () => Promise<ExitCodeScheme> {
  let read: Promise<ExitCodeScheme> | undefined;
  return () => {
    read ??= readRcloneVersion(binary, { env }).then(
      (version) => capabilitiesOf(version).exitCodes,
      () => capabilitiesOf(null).exitCodes,
    );
    return read;
  };
}

/** The scheme to classify `exitCode` by: a reader is asked only for 1 and 2, the codes whose meaning changed. */
export async function exitCodesFor(
  source: ExitCodesSource | undefined,
  exitCode: number | null,
): Promise<ExitCodeScheme | undefined> {
  if (typeof source !== "function") return source;
  return exitCode === 1 || exitCode === 2 ? source() : undefined;
}
