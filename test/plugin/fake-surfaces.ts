/** OpenClaw's chat commands and session workflow, faked on top of `fakeApi`: what the plugin registers and enqueues. */

import type { PluginApi, PluginLogger, PluginRuntime } from "../../src/plugin/api.js";
import type {
  CommandContext,
  CommandDefinition,
  ControlUiDescriptor,
  NextTurnInjection,
} from "../../src/plugin/api-session.js";
import { register } from "../../src/plugin/index.js";
import { fakeApi } from "./fake-api.js";

export interface Surfaces {
  commands: CommandDefinition[];
  injections: NextTurnInjection[];
  descriptors: ControlUiDescriptor[];
}

/**
 * The plugin registered on a fake api with its surfaces, sealed as OpenClaw seals the api once `register`
 * returns: what it registered, what it registers on the surfaces, and its host.
 */
export function registerWithSurfaces(
  pluginConfig: Record<string, unknown>,
  runtime: PluginRuntime,
  logger: PluginLogger,
) {
  let sealed = false;
  const fake = fakeApi(pluginConfig, runtime, logger);
  const surfaces = addSurfaces(fake.api, () => sealed);
  const host = register(fake.api);
  fake.seal();
  sealed = true;
  return { fake, surfaces, host };
}

/** Adds `registerCommand` and `session` to a fake api (before `register` runs). */
function addSurfaces(api: PluginApi, sealed: () => boolean): Surfaces {
  const surfaces: Surfaces = { commands: [], injections: [], descriptors: [] };
  api.registerCommand = (command) => {
    if (!sealed()) surfaces.commands.push(command);
  };
  api.session = {
    workflow: {
      // late-callable in OpenClaw: works after register returns
      enqueueNextTurnInjection: async (injection) => {
        surfaces.injections.push(injection);
        return { enqueued: true, id: `i${surfaces.injections.length}`, sessionKey: injection.sessionKey };
      },
    },
    controls: {
      registerControlUiDescriptor: (descriptor) => {
        if (!sealed()) surfaces.descriptors.push(descriptor);
      },
    },
  };
  return surfaces;
}

/** Run a registered chat command as OpenClaw would for `/name args`. */
export async function runCommand(surfaces: Surfaces, line: string, agentId?: string): Promise<string> {
  const [name, ...rest] = line.replace(/^\//, "").split(" ");
  const command = surfaces.commands.find((c) => c.name === name);
  if (!command) throw new Error(`no command /${name}`);
  const args = rest.join(" ");
  const ctx: CommandContext = {
    commandBody: line,
    channel: "webchat",
    isAuthorizedSender: true,
    ...(args ? { args } : {}),
    ...(agentId ? { agentId } : {}),
  };
  const result = await command.handler(ctx);
  return result.text ?? "";
}
