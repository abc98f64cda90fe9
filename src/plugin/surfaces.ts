/**
 * What the plugin shows and tells inside OpenClaw beyond its service, CLI and hooks: the chat commands,
 * registered during `register(api)` on hosts that offer them (older hosts simply lack them), and the
 * session workflow the service tells the agent's next turn through, and the live page's dashboard tab.
 */
import type { PluginApi } from "./api.js";
import { registerChatCommands } from "./chat-commands.js";
import { liveRoutePath } from "./live-route.js";
import type { PluginHost } from "./service.js";

export function registerSurfaces(api: PluginApi, host: PluginHost): void {
  host.useWorkflow(api.session?.workflow);
  registerChatCommands(api.registerCommand?.bind(api), {
    config: () => host.config(api.logger),
    stateDir: () => host.stateDir,
    workspaceFor: (agentId) => host.workspaceFor(agentId),
    held: () => host.held(),
    confirm: () => host.confirm(),
  });
  // The live statechart page (an `auth: "gateway"` route) as a tab of OpenClaw's dashboard.
  if (typeof api.registerHttpRoute === "function")
    api.session?.controls?.registerControlUiDescriptor?.({
      id: "workspace-sync-live",
      surface: "tab",
      label: "Workspace sync",
      description: "The sync's live state, its last cycles and what is wrong",
      path: liveRoutePath,
      icon: "refresh",
      group: "control",
    });
}
