/**
 * The live page's parts, built on the route's first request (`live-route.ts`): the event log source, the
 * chart, the handler `workspace-sync viz --live` serves, and the transfer progress of the service's host.
 * Loaded on use: registration, in every `openclaw` process that loads the plugin, never parses it.
 */
import type { LoadedConfig } from "../config/load.js";
import { workspacePaths } from "../paths.js";
import type { Unit } from "../runtime/unit.js";
import { createLiveHandler, type LiveHandler } from "../viz/live/handler.js";
import { createLogSource } from "../viz/live/log-source.js";
import { progressHub } from "../viz/live/progress-feed.js";
import type { LiveSource, ProgressFeed } from "../viz/live/source.js";
import { summarizer } from "../viz/live/summary.js";
import { chartFor } from "../viz/registry.js";
import { renderChart } from "../viz/render.js";
import { type Capabilities, capabilities, liveReadPurpose, presentedCapability } from "./live-capability.js";

export interface LiveRouteInputs {
  /** The plugin's config, or null when it is missing or invalid (the page then answers 503). */
  config(): LoadedConfig | null;
  stateDir(): string;
  workspace(): string;
  /** The workspace's unit of the host the service runs in this process, if it runs. */
  unit(): Unit | null;
  onWarning(message: string): void;
  /** How long a capability is good for; default `capabilityTtlMs` (10 min). Tests shorten it. */
  capabilityTtlMs?: number;
  /** How long a chain of renewals lasts; default `capabilitySessionMs` (1 h). Tests shorten it. */
  capabilitySessionMs?: number;
}

/**
 * Progress of whichever unit the service runs now (a config reload replaces the host): while a page
 * listens, the feed follows the current unit, looking again every 2 s.
 */
function unitProgress(inputs: LiveRouteInputs): ProgressFeed & { close(): void } {
  const hub = progressHub(inputs.onWarning);
  let watched: { unit: Unit; stop: () => void } | null = null;
  let timer: NodeJS.Timeout | null = null;
  const follow = () => {
    const unit = hub.listeners > 0 ? inputs.unit() : null;
    if (watched?.unit === unit) return;
    watched?.stop();
    watched = null;
    const stop = unit?.watchProgress?.((stats) => hub.push(stats));
    if (unit && stop) watched = { unit, stop };
  };
  const close = () => {
    if (timer) clearInterval(timer);
    timer = null;
    watched?.stop();
    watched = null;
  };
  return {
    subscribe(listener) {
      const unsubscribe = hub.subscribe(listener);
      follow();
      timer ??= setInterval(follow, 2000).unref();
      return () => {
        unsubscribe();
        if (hub.listeners === 0) close();
      };
    },
    close,
  };
}

export interface LivePage {
  source: LiveSource;
  /** The page and its data, under the gateway's auth. */
  handler: LiveHandler;
  /** The same reads under the capability route (the route checks the capability first). */
  reader: LiveHandler;
  /** This build's capabilities: a new key each build, so a service restart ends the old ones. */
  capabilities: Capabilities;
  progress: { close(): void };
}

/**
 * The page for the configured workspace, or null when the config is missing or invalid: `page` is the
 * gateway-authenticated route, `read` the capability route.
 */
export async function buildLivePage(
  inputs: LiveRouteInputs,
  routes: { page: string; read: string },
): Promise<LivePage | null> {
  const loaded = inputs.config();
  if (loaded === null) return null;
  const sync = loaded.sync;
  const chart = chartFor(sync.mode);
  const paths = workspacePaths(inputs.stateDir(), inputs.workspace(), sync.localPath, sync.mode);
  const source = await createLogSource({ chart, logDir: paths.logDir, onWarning: inputs.onWarning });
  const progress = unitProgress(inputs);
  const scope = { loaded, stateDir: inputs.stateDir(), workspace: inputs.workspace() };
  const ttl = inputs.capabilityTtlMs;
  const session = inputs.capabilitySessionMs;
  const caps = capabilities({
    purpose: liveReadPurpose,
    ...(ttl === undefined ? {} : { ttlMs: ttl }),
    ...(session === undefined ? {} : { sessionMs: session }),
  });
  const shared = {
    source,
    svg: () => renderChart(chart, "svg"),
    token: null,
    title: `${chart.name} · ${paths.workspace}`,
    progress,
    summary: summarizer(scope),
    embedded: true,
  };
  const renewMs = caps.ttlMs / 2;
  // Under the gateway's auth a capability starts a chain; on the read route it renews the one presented.
  const handler = createLiveHandler({
    ...shared,
    basePath: routes.page,
    capability: { base: routes.read, mint: () => caps.mint(), renewMs },
  });
  const reader = createLiveHandler({
    ...shared,
    basePath: routes.read,
    capability: { base: routes.read, mint: (req) => caps.mint(presentedCapability(req)), renewMs },
  });
  return { source, handler, reader, capabilities: caps, progress };
}
