/** The agent tools, registered as factories: each run gets tools bound to its agent's workspace. */
import type { PluginApi } from "../api.js";
import { backupTool } from "./backup.js";
import { inboxTool } from "./inbox.js";
import { agentTool, type ToolHost, type ToolSpec } from "./kit.js";
import { optionalToolNames } from "./names.js";
import { statusTool } from "./status.js";
import { syncNowTool } from "./sync-now.js";

function register<T>(api: PluginApi, tools: ToolHost, spec: ToolSpec<T>): void {
  const optional = optionalToolNames.includes(spec.name);
  api.registerTool?.((ctx) => agentTool(spec, tools, ctx), {
    name: spec.name,
    ...(optional ? { optional } : {}),
  });
}

export function registerTools(api: PluginApi, tools: ToolHost): void {
  register(api, tools, statusTool);
  register(api, tools, syncNowTool);
  register(api, tools, inboxTool);
  register(api, tools, backupTool);
}
