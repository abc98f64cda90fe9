/**
 * The live debugging page as a plain Node `(req, res)` handler: the standalone `viz --live` server mounts
 * it on 127.0.0.1 with a token; OpenClaw's gateway can mount the same handler (`registerHttpRoute`, gateway
 * auth) with `token: null`. Everything the page needs is served here: no network, no CDN.
 *
 * Routes, under `basePath`: `/` the page; `/chart.svg`; `/events` (server-sent events: a `snapshot` on
 * connect, then one `entry` per logged event); `/api/snapshot`; `/api/history?limit=N`; `/api/state?seq=N`
 * (time travel); `/api/summary` (the plain summary). The event stream also carries `summary` (after the
 * snapshot and after each entry) and, while a cycle runs rclone, `progress` (its transfer statistics).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { messageOf } from "../../util/errors.js";
import { livePage } from "./page.js";
import {
  HistoryUnavailableError,
  type LiveProgress,
  type LiveSnapshot,
  type LiveSource,
  type LiveUpdate,
  type ProgressFeed,
} from "./source.js";
import type { Summarize } from "./summary.js";

export interface LiveHandlerOptions {
  source: LiveSource;
  /** The chart as SVG, drawn once (ids `state:<id>` and `transition:<i>:<j>` are highlighted). */
  svg: () => Promise<string>;
  /** Required on every request (`?token=`, or `Authorization: Bearer`); null when the mount authenticates. */
  token: string | null;
  /** Where the handler is mounted (`/plugins/workspace-sync/live`); "" at the root. */
  basePath?: string;
  /** Accepted `Host` headers (DNS rebinding guard); undefined accepts any (the mount checks). */
  allowedHosts?: readonly string[];
  /** Shown in the page's header (workspace, mode). */
  title?: string;
  /** Time between SSE keep-alive comments, default 15 s. */
  keepAliveMs?: number;
  /** rclone's transfer statistics from the host running the cycles; without it the page shows none. */
  progress?: ProgressFeed;
  /** The plain summary (last sync, next run, what is wrong); without it the page shows none. */
  summary?: Summarize;
  /**
   * Mounted as a tab of OpenClaw's dashboard: the page may be framed by its own origin, and its sandboxed
   * frame (an opaque origin, `Origin: null`) may read the routes with the gateway's cookie grant.
   */
  embedded?: boolean;
  /**
   * The dashboard tab's read-only capability (`src/plugin/live-capability.ts`): the page gets one and reads
   * `/events` and `/api/*` under `base` with it; the event stream sends a fresh one (`capability`) at once
   * and every `renewMs`, so a reconnect works while the page stays open.
   */
  capability?: { base: string; mint(req: IncomingMessage): string | null; renewMs: number };
}

export type LiveHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** Ends open event streams (call before closing the server). */
  close(): void;
};

const baseHeaders = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** Response headers: never framed standalone; framed only by its own origin when embedded. */
function securityHeaders(embedded: boolean, req: IncomingMessage): Record<string, string> {
  if (!embedded) return { ...baseHeaders, "x-frame-options": "DENY" };
  // The dashboard frames the page in a sandbox without allow-same-origin: its requests say `Origin: null`.
  const cors: Record<string, string> =
    req.headers.origin === "null"
      ? { "access-control-allow-origin": "null", "access-control-allow-credentials": "true", vary: "origin" }
      : {};
  return { ...baseHeaders, "x-frame-options": "SAMEORIGIN", ...cors };
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function givenToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7);
  return url.searchParams.get("token");
}

export function createLiveHandler(options: LiveHandlerOptions): LiveHandler {
  const embedded = options.embedded === true;
  const send = (res: ServerResponse, status: number, type: string, body: string, extra = {}): void => {
    res.writeHead(status, { "content-type": type, ...securityHeaders(embedded, res.req), ...extra });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown) =>
    send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
  const summary = options.summary;
  const base = (options.basePath ?? "").replace(/\/+$/, "");
  const streams = new Set<ServerResponse>();
  let svg: Promise<string> | null = null;
  const chartSvg = () => {
    svg ??= options.svg();
    return svg;
  };

  const stream = async (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
      ...securityHeaders(embedded, req),
    });
    const write = (event: string, data: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // One summary at a time, in event order: an older one never lands after a newer one.
    let summaries: Promise<void> = Promise.resolve();
    const writeSummary = (snapshot: LiveSnapshot) => {
      if (!summary) return;
      summaries = summaries.then(() =>
        summary(snapshot).then(
          (s) => write("summary", s),
          (error: unknown) => write("summary-error", { error: messageOf(error) }),
        ),
      );
    };
    streams.add(res);
    // Subscribe before reading the snapshot: an event in between is sent (the page skips what it has).
    const unsubscribe = options.source.subscribe((update: LiveUpdate) => {
      write(update.type, update);
      writeSummary(update.snapshot);
    });
    const unwatch = options.progress?.subscribe((p: LiveProgress) => write("progress", p));
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), options.keepAliveMs ?? 15_000);
    const capability = options.capability;
    const renew = () => {
      if (!capability) return;
      const cap = capability.mint(req);
      // The capability's session is over: end the stream; the page's reconnect is refused and it
      // reloads itself through the gateway's auth.
      if (cap === null) res.end();
      else write("capability", { cap });
    };
    const renewal = capability ? setInterval(renew, capability.renewMs) : undefined;
    const end = () => {
      clearInterval(keepAlive);
      clearInterval(renewal);
      unsubscribe();
      unwatch?.();
      streams.delete(res);
    };
    req.on("close", end);
    res.on("close", end);
    renew();
    const snapshot = await options.source.snapshot();
    write("snapshot", snapshot);
    writeSummary(snapshot);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
    if (path === "/" || path === "") {
      const nonce = randomBytes(16).toString("base64");
      const page = livePage({
        nonce,
        base,
        token: options.token,
        title: options.title ?? options.source.chart.name,
        chart: options.source.chart,
        svg: await chartSvg(),
        summary: summary !== undefined,
        embedded,
        capability: options.capability
          ? { base: options.capability.base, value: options.capability.mint(req) ?? "" }
          : null,
      });
      send(res, 200, "text/html; charset=utf-8", page, {
        "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors ${embedded ? "'self'" : "'none'"}`,
      });
      return;
    }
    if (path === "/chart.svg") return send(res, 200, "image/svg+xml; charset=utf-8", await chartSvg());
    if (path === "/events") return stream(req, res);
    if (path === "/api/snapshot") return json(res, 200, await options.source.snapshot());
    if (path === "/api/summary") {
      if (!summary) return json(res, 404, { error: "this page has no summary (not a workspace's chart)" });
      return json(res, 200, await summary(await options.source.snapshot()));
    }
    if (path === "/api/history") {
      const limit = Number(url.searchParams.get("limit") ?? "500");
      if (!Number.isInteger(limit) || limit < 1)
        return json(res, 400, { error: "limit must be a whole number >= 1" });
      return json(res, 200, await options.source.history({ limit }));
    }
    if (path === "/api/state") {
      const seq = Number(url.searchParams.get("seq"));
      if (!Number.isInteger(seq) || seq < 0)
        return json(res, 400, { error: "seq must be a whole number >= 0" });
      try {
        return json(res, 200, await options.source.stateAt(seq));
      } catch (error) {
        if (error instanceof HistoryUnavailableError) return json(res, 404, { error: error.message });
        throw error;
      }
    }
    send(res, 404, "text/plain; charset=utf-8", "not found\n");
  };

  /** Why a request is turned away before routing, or null. */
  const refusal = (req: IncomingMessage, url: URL): [number, string, Record<string, string>?] | null => {
    if (options.allowedHosts && !options.allowedHosts.includes(req.headers.host ?? "")) {
      return [403, "forbidden: unexpected Host header\n"];
    }
    if (options.token !== null && !tokenMatches(options.token, givenToken(req, url))) {
      return [403, "forbidden: missing or wrong token\n"];
    }
    if (req.method !== "GET" && req.method !== "HEAD") return [405, "only GET\n", { allow: "GET, HEAD" }];
    if (!url.pathname.startsWith(base)) return [404, "not found\n"];
    return null;
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://live.invalid");
    const refused = refusal(req, url);
    if (refused !== null) {
      const [status, text, headers] = refused;
      send(res, status, "text/plain; charset=utf-8", text, headers);
      return;
    }
    route(req, res, url, url.pathname.slice(base.length)).catch((error: unknown) => {
      if (res.headersSent) res.end();
      else json(res, 500, { error: messageOf(error) });
    });
  };
  return Object.assign(handler, {
    close() {
      for (const res of streams) res.end();
      streams.clear();
    },
  });
}
