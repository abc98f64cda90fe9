/**
 * One source of truth: `openclaw.plugin.json`'s `configSchema` and `uiHints` must be what the zod schemas
 * generate (`pluginConfigJsonSchema()`, `uiHints`). Fails when they drift; skipped while no manifest exists.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pluginConfigJsonSchema, uiHints } from "../../src/config/json-schema.js";

const manifestPath = join(import.meta.dirname, "..", "..", "openclaw.plugin.json");

describe("openclaw.plugin.json", () => {
  it.skipIf(!existsSync(manifestPath))("configSchema and uiHints match the zod schemas", () => {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
    expect(manifest.configSchema).toEqual(pluginConfigJsonSchema());
    for (const [key, hint] of Object.entries(uiHints)) {
      if (hint.sensitive)
        expect((manifest.uiHints as Record<string, { sensitive?: boolean }>)[key]?.sensitive).toBe(true);
    }
  });
});
