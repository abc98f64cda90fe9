/** The tool's version, read from its package.json wherever the code runs from (sources, dist/, a bundle). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fieldOf } from "./util/json.js";

export function toolVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const version = fieldOf(pkg, "version");
      if (
        fieldOf(pkg, "name") === "openclaw-workspace-sync" &&
        typeof version === "string" &&
        version !== ""
      ) {
        return version;
      }
    } catch {
      // not here: look one folder up
    }
    dir = dirname(dir);
  }
  return "0.0.0";
}
