/**
 * Writes `openclaw.plugin.json` from the zod schemas (src/plugin/manifest.ts).
 * `--check` writes nothing and exits 1 when the committed file differs.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { manifestText } from "../src/plugin/manifest.js";

const path = join(import.meta.dirname, "..", "openclaw.plugin.json");
const wanted = manifestText();
if (process.argv.includes("--check")) {
  const current = await readFile(path, "utf8").catch(() => "");
  if (current !== wanted) {
    process.stderr.write("openclaw.plugin.json is stale: run `npm run manifest`\n");
    process.exitCode = 1;
  }
} else {
  await writeFile(path, wanted);
  process.stdout.write(`wrote ${path}\n`);
}
