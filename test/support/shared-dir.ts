/**
 * `../shared/` beside the repository: the team's reference material (the original plugin's configs, restic's
 * retention vectors), read by tests and never copied into the repository.
 *
 * A fresh clone has no `../shared`: `sharedPath` then returns undefined and prints one line saying which tests
 * skip, so the README's test line passes there. CI sets `WORKSPACE_SYNC_REQUIRE_SHARED=1` (`.ci/run`), which turns
 * its absence into a failure, so CI always runs those tests.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const repoRoot = join(import.meta.dirname, "..", "..");

/** The variable that makes a missing `../shared` a failure instead of a skip. */
export const requireSharedVariable = "WORKSPACE_SYNC_REQUIRE_SHARED";

/** Where `shared/<parts>` is: beside the repository, or in the nearest ancestor that has it. */
function locate(parts: readonly string[]): string | undefined {
  const relative = join("shared", ...parts);
  for (let dir = dirname(repoRoot); ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The path of `../shared/<parts>`, or undefined when it is absent (after one `console.warn` line naming it).
 * With `WORKSPACE_SYNC_REQUIRE_SHARED=1` an absent path throws instead, so the test file fails.
 */
export function sharedPath(...parts: string[]): string | undefined {
  const found = locate(parts);
  if (found !== undefined) return found;
  const wanted = join("..", "shared", ...parts);
  if (process.env[requireSharedVariable] === "1") {
    throw new Error(
      `${wanted} is missing beside ${repoRoot} and ${requireSharedVariable}=1 requires it: put the shared folder there`,
    );
  }
  console.warn(
    `skipped: ${wanted} is absent (tests that read it need the shared folder beside the repository)`,
  );
  return undefined;
}
