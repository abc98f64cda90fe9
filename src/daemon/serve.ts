/**
 * What each socket request means for the host: the daemon's side of the protocol, over the units it runs.
 * The transport (frames, validation, ids, errors) is `ipc/server.ts`.
 */
import type { HelloResult, Request, SendResult, UnitState } from "../ipc/protocol.js";
import { type Exchange, RequestError, streaming } from "../ipc/server.js";
import type { Transition, Unit } from "../runtime/unit.js";
import { messageOf } from "../util/errors.js";

/** What serving a request needs of the host. */
export interface Served {
  hello(): HelloResult;
  units(): readonly Unit[];
  /** The unit a request names (by id or workspace); `create` may start a unit for a new workspace. */
  resolveUnit(
    ref: { unit?: string | undefined; workspace?: string | undefined },
    create: boolean,
  ): Promise<Unit>;
}

function stateOf(unit: Unit): UnitState {
  return { ...unit.info, ...unit.current() };
}

export async function serve(host: Served, request: Request, exchange: Exchange): Promise<unknown> {
  switch (request.op) {
    case "hello":
      return host.hello();
    case "state": {
      if (request.unit === undefined && request.workspace === undefined)
        return { units: host.units().map(stateOf) };
      return { units: [stateOf(await host.resolveUnit(request, false))] };
    }
    case "status":
      return (await host.resolveUnit(request, false)).status();
    case "history": {
      const unit = await host.resolveUnit(request, false);
      return {
        unit: unit.info.id,
        records: await unit.history({ limit: request.limit ?? 50, afterSeq: request.afterSeq ?? 0 }),
      };
    }
    case "send":
      return send(host, request, exchange);
    case "subscribe": {
      const units =
        request.unit === undefined && request.workspace === undefined
          ? host.units()
          : [await host.resolveUnit(request, false)];
      const stream = (t: Transition) => exchange.stream({ type: "transition", ...t });
      for (const unit of units) {
        exchange.onClose(unit.subscribe(stream));
        const stats = request.progress
          ? unit.watchProgress?.((s) => exchange.stream({ type: "stats", unit: unit.info.id, stats: s }))
          : undefined;
        if (stats) exchange.onClose(stats);
      }
      exchange.stream({ type: "result", result: { subscribed: units.map((u) => u.info.id) } });
      return streaming;
    }
  }
}

async function send(host: Served, request: Extract<Request, { op: "send" }>, exchange: Exchange) {
  const unit = await sendTarget(request, host);
  const streams =
    request.wait && request.progress
      ? [
          unit.subscribe((t) => exchange.stream({ type: "progress", ...t })),
          unit.watchProgress?.((stats) => exchange.stream({ type: "stats", unit: unit.info.id, stats })) ??
            (() => undefined),
        ]
      : [];
  try {
    const answer = await unit.request(request.event, { wait: request.wait === true });
    // On the socket, an answer names the request by the id the client gave it.
    const result: SendResult = { ...answer, requestId: request.id };
    return result;
  } catch (error) {
    throw new RequestError("stopping", `the host stopped before the cycle ended: ${messageOf(error)}`);
  } finally {
    for (const stop of streams) stop();
  }
}

/**
 * The unit a `send` goes to: the one it names; with none named, the only unit taking its request (the
 * backup, or a host's one workspace). A unit is sent only the request it takes.
 */
async function sendTarget(request: Extract<Request, { op: "send" }>, host: Served): Promise<Unit> {
  const type = request.event.type;
  if (request.unit === undefined && request.workspace === undefined) {
    const takers = host.units().filter((u) => u.takes === type);
    if (takers.length === 1 && takers[0]) return takers[0];
  }
  const unit = await host.resolveUnit(request, true);
  if (unit.takes !== type) {
    throw new RequestError(
      "refused",
      `unit "${unit.info.id}" (${unit.info.kind}) takes ${unit.takes} events, not ${type}`,
    );
  }
  return unit;
}
