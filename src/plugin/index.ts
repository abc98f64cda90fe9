/**
 * The OpenClaw plugin entry (`openclaw-workspace-sync`). `register(api)` runs several times per process
 * (metadata, discovery, full load) and must have no side effects: it captures what it needs from `api`
 * and registers the service, the session hooks and the CLI. Nothing starts until the gateway starts the
 * service.
 */
import { pluginId } from "../config/load.js";
import type { PluginApi, PluginDefinition, PluginRuntime } from "./api.js";
import { registerCliBridge } from "./cli.js";
import { liveReadRoutePath, liveRoutePath } from "./live-route.js";
import { pluginDescription, pluginName } from "./manifest.js";
import { PluginHost } from "./service.js";
import { registerSurfaces } from "./surfaces.js";
import { registerTools } from "./tools/index.js";

function runtimeOf(api: PluginApi): PluginRuntime | undefined {
  try {
    return api.runtime;
  } catch {
    return undefined; // some registration modes offer no runtime
  }
}

export function register(api: PluginApi): PluginHost {
  const host = new PluginHost({
    pluginConfig: api.pluginConfig,
    config: api.config,
    logger: api.logger,
    runtime: runtimeOf(api),
    env: process.env,
  });
  api.registerService(host.service());
  api.on("session_start", (_event, ctx) => host.hook("session_start", ctx));
  api.on("session_end", (_event, ctx) => host.hook("session_end", ctx));
  registerCliBridge(api);
  registerSurfaces(api, host);
  registerTools(api, host.tools());
  api.registerHttpRoute?.({
    path: liveRoutePath,
    auth: "gateway",
    match: "prefix",
    handler: (req, res) => host.live.handle(req, res),
  });
  // The tab's page reads its live data here with a short-lived capability, not OpenClaw's cookie grant
  // (a third-party cookie in the tab's sandboxed frame): `live-route.ts`.
  api.registerHttpRoute?.({
    path: liveReadRoutePath,
    auth: "plugin",
    match: "prefix",
    handler: (req, res) => host.live.handleRead(req, res),
  });
  return host;
}

const plugin: PluginDefinition = {
  id: pluginId,
  name: pluginName,
  description: pluginDescription,
  register: (api) => {
    register(api);
  },
};

export default plugin;
