/**
 * The live statechart page inside OpenClaw: the same handler `workspace-sync viz --live` serves, mounted
 * on the gateway with `registerHttpRoute` and the gateway's own auth (so no token of ours). It is built on
 * the first request, for the gateway's workspace, and reads that workspace's event log.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LoadedConfig } from "../config/load.js";
import { workspacePaths } from "../paths.js";
import { createLiveHandler, type LiveHandler } from "../viz/live/handler.js";
import { createLogSource } from "../viz/live/log-source.js";
import type { LiveSource } from "../viz/live/source.js";
import { chartFor } from "../viz/registry.js";
import { renderChart } from "../viz/render.js";

export const liveRoutePath = "/workspace-sync/live";

export interface LiveRouteInputs {
  /** The plugin's config, or null when it is missing or invalid (the page then answers 503). */
  config(): LoadedConfig | null;
  stateDir(): string;
  workspace(): string;
  onWarning(message: string): void;
}

export interface LiveRoute {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export function createLiveRoute(inputs: LiveRouteInputs): LiveRoute {
  let built: Promise<{ source: LiveSource; handler: LiveHandler } | null> | null = null;
  const build = async () => {
    const loaded = inputs.config();
    if (loaded === null) return null;
    const sync = loaded.sync;
    const chart = chartFor(sync.mode);
    const paths = workspacePaths(inputs.stateDir(), inputs.workspace(), sync.localPath, sync.mode);
    const source = await createLogSource({ chart, logDir: paths.logDir, onWarning: inputs.onWarning });
    const handler = createLiveHandler({
      source,
      svg: () => renderChart(chart, "svg"),
      token: null,
      basePath: liveRoutePath,
      title: `${chart.name} · ${paths.workspace}`,
    });
    return { source, handler };
  };
  return {
    async handle(req, res) {
      built ??= build().catch((error: unknown) => {
        built = null;
        throw error;
      });
      const live = await built;
      if (live === null) {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
        res.end("workspace-sync: the plugin config is missing or invalid; see the gateway log\n");
        return true;
      }
      live.handler(req, res);
      return true;
    },
    async close() {
      const live = await built?.catch(() => null);
      built = null;
      live?.handler.close();
      await live?.source.close();
    },
  };
}
