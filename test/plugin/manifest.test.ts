import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pluginConfigJsonSchema } from "../../src/config/json-schema.js";
import { manifestText, pluginManifest } from "../../src/plugin/manifest.js";

/** The manifest's JSON Schema as a validator: what OpenClaw checks a config against. */
const pluginConfigSchema = z.fromJSONSchema(pluginManifest().configSchema as never);

const root = join(import.meta.dirname, "..", "..");

describe("openclaw.plugin.json", () => {
  it("is what the zod schemas generate (run `npm run manifest` after changing them)", async () => {
    expect(await readFile(join(root, "openclaw.plugin.json"), "utf8")).toBe(manifestText());
  });

  it("keeps the plugin id, starts at gateway start-up, and names its CLI root", () => {
    const manifest = pluginManifest();
    expect(manifest.id).toBe("openclaw-workspace-sync");
    expect(manifest.activation).toEqual({ onStartup: true });
    expect(manifest.cliCommands).toEqual([expect.objectContaining({ name: "workspace-sync" })]);
  });

  it("marks secrets sensitive in the flat and the nested form", () => {
    const hints = pluginManifest().uiHints as Record<string, { sensitive?: boolean }>;
    for (const key of [
      "dropbox.token",
      "s3.secretAccessKey",
      "sync.dropbox.token",
      "sync.s3.secretAccessKey",
    ])
      expect(hints[key]?.sensitive, key).toBe(true);
  });

  it("accepts the existing plugin's flat and nested configs", () => {
    const flat = {
      mode: "mailbox",
      provider: "dropbox",
      remotePath: "openclaw-share",
      interval: 300,
      onSessionStart: true,
      dropbox: { appFolder: true, token: ["$", "{DROPBOX_TOKEN}"].join("") },
      exclude: ["**/.DS_Store"],
    };
    const nested = { sync: flat, backup: { enabled: true, interval: 86400 } };
    expect(pluginConfigSchema.safeParse(flat).success).toBe(true);
    expect(pluginConfigSchema.safeParse(nested).success).toBe(true);
    expect(pluginConfigSchema.safeParse({ mode: "sideways" }).success).toBe(false);
  });

  it("describes both forms in the JSON schema", () => {
    const schema = pluginManifest().configSchema as { anyOf?: unknown[]; $schema?: string };
    expect(schema.anyOf).toHaveLength(2);
    expect(schema.$schema).toBeUndefined();
    expect(schema).toEqual(pluginConfigJsonSchema());
  });
});
