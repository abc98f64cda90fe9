/**
 * The live statechart page inside OpenClaw: the same handler `workspace-sync viz --live` serves, mounted
 * on the gateway with `registerHttpRoute` and the gateway's own auth (so no token of ours). It is built on
 * the first request (`live-page.ts`, loaded then), for the gateway's workspace, and reads that workspace's
 * event log; the service's host, running in this process, gives the transfer progress. It is also the
 * dashboard tab's page (`surfaces.ts`), framed by the Control UI (`embedded`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LivePage, LiveRouteInputs } from "./live-page.js";

export type { LiveRouteInputs } from "./live-page.js";

export const liveRoutePath = "/workspace-sync/live";

export interface LiveRoute {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export function createLiveRoute(inputs: LiveRouteInputs): LiveRoute {
  let built: Promise<LivePage | null> | null = null;
  const build = async () => (await import("./live-page.js")).buildLivePage(inputs, liveRoutePath);
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
      live?.progress.close();
      await live?.source.close();
    },
  };
}
