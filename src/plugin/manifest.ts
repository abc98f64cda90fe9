/**
 * `openclaw.plugin.json`, built from the zod schemas (`configSchema` and `uiHints` come from
 * `src/config/json-schema.ts`): `scripts/plugin-manifest.ts` writes it, and a test fails when the committed
 * file differs from what this builds. Change the schemas, then regenerate.
 */
import { pluginConfigJsonSchema, uiHints } from "../config/json-schema.js";
import { pluginId } from "../config/load.js";
import { optionalToolNames, toolNames } from "./tools/names.js";

export const pluginName = "Workspace Cloud Sync";
export const pluginDescription =
  "Keep the agent workspace in sync with cloud storage through rclone: mailbox, mirror or bisync, with an event log you can replay.";

/** The root CLI command the plugin registers (`openclaw workspace-sync ...`). */
export const cliCommand = "workspace-sync";
/** How a person runs the commands from OpenClaw: hints print it. */
export const openclawCommand = `openclaw ${cliCommand}`;
export const cliDescription = "Workspace cloud sync: setup, authorize, sync, status, log, list, backup, viz";

export function configJsonSchema(): Record<string, unknown> {
  return pluginConfigJsonSchema();
}

export function pluginManifest(): Record<string, unknown> {
  return {
    id: pluginId,
    name: pluginName,
    description: pluginDescription,
    activation: { onStartup: true },
    cliCommands: [{ name: cliCommand, description: cliDescription, hasSubcommands: true }],
    contracts: { tools: Object.values(toolNames) },
    toolMetadata: Object.fromEntries(optionalToolNames.map((name) => [name, { optional: true }])),
    skills: ["./skills"],
    uiHints,
    configSchema: configJsonSchema(),
  };
}

/** The manifest as it is written to disk. */
export function manifestText(): string {
  return `${JSON.stringify(pluginManifest(), null, 2)}\n`;
}
