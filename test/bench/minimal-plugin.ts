/**
 * The smallest OpenClaw plugin with a CLI command (`openclaw ocs-minimal status --json` prints `{"ok":true}`):
 * no dependencies, a register() that only registers the command. Its time against `openclaw plugins list`
 * is what OpenClaw's own start-up costs any plugin command, the floor no plugin can go under.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { editConfig, objectAt } from "../openclaw/harness.js";
import { linkPlugin } from "../openclaw/openclaw.js";

export const minimalId = "ocs-minimal";
export const minimalCommand = [minimalId, "status", "--json"];

const entry = `export default {
  id: "${minimalId}",
  name: "Minimal",
  description: "One CLI command, nothing else",
  register(api) {
    api.registerCli(
      ({ program }) => {
        program
          .command("${minimalId}")
          .description("minimal")
          .command("status")
          .option("--json")
          .action(() => process.stdout.write('{"ok":true}\\n'));
      },
      { commands: ["${minimalId}"], descriptors: [{ name: "${minimalId}", description: "minimal", hasSubcommands: true }] },
    );
  },
};
`;

/** Writes the plugin into `dir` and links it into the OpenClaw state `stateDir`, enabled. */
export async function installMinimalPlugin(stateDir: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pkg = {
    name: minimalId,
    version: "0.0.0",
    type: "module",
    openclaw: { extensions: ["./index.mjs"] },
  };
  const manifest = {
    id: minimalId,
    name: "Minimal",
    description: "One CLI command, nothing else",
    activation: { onStartup: true },
    cliCommands: [{ name: minimalId, description: "minimal", hasSubcommands: true }],
    configSchema: { type: "object", additionalProperties: false, properties: {} },
  };
  await writeFile(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  await writeFile(join(dir, "openclaw.plugin.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, "index.mjs"), entry);
  await linkPlugin(stateDir, dir);
  await editConfig(stateDir, (config) => {
    objectAt(objectAt(config, "plugins"), "entries")[minimalId] = { enabled: true };
  });
}
