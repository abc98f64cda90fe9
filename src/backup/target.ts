/** The restore target's rules: empty or missing, a staging folder beside it, a sibling for what is replaced. */
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errnoOf } from "../util/errors.js";

export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return true;
    if (code === "ENOTDIR") return false;
    throw error;
  }
}

/** `.<name>.restoring-<random>` beside the target (made on the first entry written, not before). */
export function stagingFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.restoring-${randomBytes(4).toString("hex")}`);
}

/** `<target>.replaced-<time>`: where what a forced restore replaces is kept. */
export function replacedFor(target: string, now: number): string {
  return `${target}.replaced-${new Date(now).toISOString().replace(/[-:.]/g, "")}`;
}

export const nonEmptyTarget = (target: string) => ({
  ok: false as const,
  failure: {
    kind: "fatal" as const,
    message: `${target} exists and is not empty`,
    hint: "choose another --to, or pass --force (what would be replaced is kept in a sibling folder first)",
  },
});
