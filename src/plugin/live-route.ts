/**
 * The live statechart page inside OpenClaw: the same handler `workspace-sync viz --live` serves, mounted
 * on the gateway with `registerHttpRoute` and the gateway's own auth (so no token of ours). It is built on
 * the first request (`live-page.ts`, loaded then), for the gateway's workspace, and reads that workspace's
 * event log; the service's host, running in this process, gives the transfer progress. It is also the
 * dashboard tab's page (`surfaces.ts`), framed by the Control UI (`embedded`).
 *
 * The tab's frame is sandboxed (an opaque origin), so OpenClaw's cookie grant reaches the page's own
 * requests only as a third-party cookie, which many browsers withhold. So the page, served under the
 * gateway's auth, carries a short-lived read-only capability (`live-capability.ts`) and reads its live
 * data from a second route, `auth: "plugin"`, that serves only the read endpoints and only with a valid
 * capability. Its key is made when the page is built and dropped by `close()` (the service's stop).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { presentedCapability } from "./live-capability.js";
import type { LivePage, LiveRouteInputs } from "./live-page.js";

export type { LiveRouteInputs } from "./live-page.js";

export const liveRoutePath = "/workspace-sync/live";
/** The capability route: a sibling, not under `liveRoutePath` (OpenClaw rejects overlapping auth levels). */
export const liveReadRoutePath = "/workspace-sync/live-read";
/** All the capability route serves: reads. Nothing of ours changes anything over HTTP anyway. */
const readPaths = new Set(["/events", "/api/snapshot", "/api/summary", "/api/history", "/api/state"]);

/** The capability route's refusal: the same few words for a missing, wrong or expired capability. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  const cors = req.headers.origin === "null" ? { "access-control-allow-origin": "null", vary: "origin" } : {};
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...cors,
  });
  res.end(text);
}

export interface LiveRoute {
  /** The page and its data under the gateway's auth (`liveRoutePath`). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The read endpoints with a capability (`liveReadRoutePath`, plugin auth). */
  handleRead(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export function createLiveRoute(inputs: LiveRouteInputs): LiveRoute {
  let built: Promise<LivePage | null> | null = null;
  const build = async () =>
    (await import("./live-page.js")).buildLivePage(inputs, { page: liveRoutePath, read: liveReadRoutePath });
  return {
    async handleRead(req, res) {
      // Not built yet: no key, so no capability of ours exists. Nothing about why goes back.
      const live = await built?.catch(() => null);
      if (!live?.capabilities.verify(presentedCapability(req))) {
        refuse(req, res, 401, "unauthorized\n");
        return true;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        refuse(req, res, 405, "only GET\n");
        return true;
      }
      const path = new URL(req.url ?? "/", "http://live.invalid").pathname.slice(liveReadRoutePath.length);
      if (!readPaths.has(path)) {
        refuse(req, res, 404, "not found\n");
        return true;
      }
      live.reader(req, res);
      return true;
    },
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
      live?.reader.close();
      live?.progress.close();
      await live?.source.close();
    },
  };
}
