/**
 * The host's side of the socket: one listener in the state directory (mode 0600, made under a 0177
 * umask so it is never readable by others, even for an instant), one request per line, answers tagged
 * with the request's id. A request that waits for a cycle holds only its own connection: any number of
 * clients are served at once, and the unit's actor orders what they ask for.
 */
import { chmod, lstat, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Unit } from "../runtime/unit.js";
import { messageOf } from "../util/errors.js";
import { type FrameWriter, frameReader, frameWriter } from "./frames.js";
import {
  type ErrorBody,
  type HelloResult,
  protocolVersion,
  type Request,
  requestSchema,
  type SendResult,
  type Transition,
  type UnitState,
} from "./protocol.js";

/** What the server needs from the host. */
export interface HostApi {
  hello(): HelloResult;
  units(): readonly Unit[];
  /** The unit a request names (by id or workspace); `create` may start a unit for a new workspace. */
  resolveUnit(
    ref: { unit?: string | undefined; workspace?: string | undefined },
    create: boolean,
  ): Promise<Unit>;
}

/** A failure a client is told about, with its protocol code. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorBody["code"],
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** The longest unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
export const maxSocketPathBytes = 107;

export class IpcServer {
  readonly #connections = new Set<Socket>();
  readonly #closers = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  static async listen(path: string, host: HostApi, onError: (message: string) => void): Promise<IpcServer> {
    if (Buffer.byteLength(path) > maxSocketPathBytes) {
      throw new Error(
        `socket path ${path} is longer than ${maxSocketPathBytes} bytes; use a shorter --state-dir`,
      );
    }
    // The caller holds the state-directory lock: a socket file left here is a dead host's.
    await removeStaleSocket(path);
    const holder: { server?: IpcServer } = {};
    const server = createServer((socket) => holder.server?.accept(socket, host, onError));
    const previous = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(path, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
    await chmod(path, 0o600);
    server.on("error", (error) => onError(`socket ${path}: ${messageOf(error)}`));
    holder.server = new IpcServer(server, path);
    return holder.server;
  }

  /** Stop accepting; tell every waiting client the host is stopping; close every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const close of [...this.#closers]) close();
    for (const socket of this.#connections) socket.end();
    const forced = setTimeout(() => {
      for (const socket of this.#connections) socket.destroy();
    }, 1000);
    await closed;
    clearTimeout(forced);
    await unlink(this.path).catch(() => undefined);
  }

  private accept(socket: Socket, host: HostApi, onError: (message: string) => void): void {
    this.#connections.add(socket);
    const write = frameWriter(socket);
    const cleanups: (() => void)[] = [];
    const closer = () => {
      for (const request of pendingIds)
        write({ v: protocolVersion, id: request, type: "error", error: stopping });
      pendingIds.clear();
    };
    const pendingIds = new Set<string>();
    this.#closers.add(closer);
    socket.on("close", () => {
      this.#connections.delete(socket);
      this.#closers.delete(closer);
      for (const cleanup of cleanups) cleanup();
    });
    socket.on("error", () => undefined); // a client that went away: its close event cleans up
    frameReader(socket, (line) => {
      let request: Request;
      try {
        request = parseRequest(line);
      } catch (error) {
        const id = idOf(line);
        const code = error instanceof RequestError ? error.code : "bad-request";
        write({ v: protocolVersion, id, type: "error", error: { code, message: messageOf(error) } });
        return;
      }
      pendingIds.add(request.id);
      serve(request, host, write, cleanups)
        .then((result) => {
          if (result === streaming || !pendingIds.delete(request.id)) return;
          write({ v: protocolVersion, id: request.id, type: "result", result });
        })
        .catch((error: unknown) => {
          if (!pendingIds.delete(request.id)) return;
          const body: ErrorBody =
            error instanceof RequestError
              ? { code: error.code, message: error.message }
              : { code: "internal", message: messageOf(error) };
          if (body.code === "internal") onError(`request ${request.op} failed: ${body.message}`);
          write({ v: protocolVersion, id: request.id, type: "error", error: body });
        });
    });
  }
}

const stopping: ErrorBody = { code: "stopping", message: "the host is stopping; try again when it is back" };

/** Marks a request that stays open (subscribe): no result is written for it. */
const streaming = Symbol("streaming");

function idOf(line: string): string {
  try {
    const value = JSON.parse(line) as { id?: unknown };
    return typeof value.id === "string" ? value.id : "";
  } catch {
    return "";
  }
}

function parseRequest(line: string): Request {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new RequestError("bad-request", "a request must be one line of JSON");
  }
  const version = (value as { v?: unknown } | null)?.v;
  if (version !== protocolVersion) {
    throw new RequestError(
      "protocol",
      `this host speaks protocol ${protocolVersion}, the client ${String(version)}: use the same workspace-sync version for both`,
    );
  }
  const parsed = requestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RequestError(
      "bad-request",
      `${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

function stateOf(unit: Unit): UnitState {
  return { ...unit.info, ...unit.current() };
}

async function serve(
  request: Request,
  host: HostApi,
  write: FrameWriter,
  cleanups: (() => void)[],
): Promise<unknown> {
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
    case "send": {
      const unit = await sendTarget(request, host);
      const { type: _type, source, ...rest } = request.event;
      const trigger = { ...rest, source: source ?? "cli" };
      const streams =
        request.wait && request.progress
          ? [
              unit.subscribe((t) => write({ v: protocolVersion, id: request.id, type: "progress", ...t })),
              unit.watchProgress?.((stats) =>
                write({ v: protocolVersion, id: request.id, type: "stats", unit: unit.info.id, stats }),
              ) ?? (() => undefined),
            ]
          : [];
      const unsubscribe = () => {
        for (const stop of streams) stop();
      };
      const answered = unit.trigger(trigger);
      if (!request.wait) {
        answered.catch(() => undefined);
        const { value, context } = unit.current();
        const queued: SendResult = {
          unit: unit.info.id,
          requestId: request.id,
          verdict: "queued",
          state: value,
          context,
          cycle: null,
        };
        return queued;
      }
      try {
        const answer = await answered;
        const result: SendResult = {
          unit: unit.info.id,
          requestId: request.id,
          verdict: answer.verdict,
          state: answer.value,
          context: answer.context,
          cycle: answer.cycle,
        };
        return result;
      } catch (error) {
        throw new RequestError("stopping", `the host stopped before the cycle ended: ${messageOf(error)}`);
      } finally {
        unsubscribe();
      }
    }
    case "subscribe": {
      const units =
        request.unit === undefined && request.workspace === undefined
          ? host.units()
          : [await host.resolveUnit(request, false)];
      const send = (t: Transition) => write({ v: protocolVersion, id: request.id, type: "transition", ...t });
      for (const unit of units) cleanups.push(unit.subscribe(send));
      write({
        v: protocolVersion,
        id: request.id,
        type: "result",
        result: { subscribed: units.map((u) => u.info.id) },
      });
      return streaming;
    }
  }
}

/**
 * The unit a `send` goes to: the one it names; with none named, the only unit taking its event (the
 * backup, or a host's one workspace). A unit is sent only the event it takes.
 */
async function sendTarget(request: Extract<Request, { op: "send" }>, host: HostApi): Promise<Unit> {
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

async function removeStaleSocket(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if (!stats.isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
