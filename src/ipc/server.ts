/**
 * The host's side of the socket, as transport only: one listener in the state directory (mode 0600, made
 * under a 0177 umask so it is never readable by others, even for an instant), one request per line,
 * validated against the protocol, answers tagged with the request's id. What a request means is the
 * handler's (the daemon's `serve`). A request that waits holds only its own connection: any number of
 * clients are served at once.
 */
import { chmod, lstat, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { errnoOf, messageOf } from "../util/errors.js";
import { fieldOf } from "../util/json.js";
import { frameReader, frameWriter } from "./frames.js";
import {
  type ErrorBody,
  protocolVersion,
  type Request,
  requestSchema,
  type StreamMessage,
} from "./protocol.js";

/** One request's side of its connection: stream messages tagged with its id, and clean up when it closes. */
export interface Exchange {
  id: string;
  /** A streamed message (`progress`, `stats`, `transition`) for this request. */
  stream(message: StreamMessage): void;
  /** Called when the connection closes (for streams that outlive the request's result). */
  onClose(cleanup: () => void): void;
}

/** Serves one request: resolves with its result, or `streaming` once it has written its own. */
export type Handler = (request: Request, exchange: Exchange) => Promise<unknown>;

/** Marks a request that stays open (subscribe): its result is written by the handler, as a stream message. */
export const streaming = Symbol("streaming");

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

  static async listen(
    path: string,
    handler: Handler,
    onError: (message: string) => void,
  ): Promise<IpcServer> {
    if (Buffer.byteLength(path) > maxSocketPathBytes) {
      throw new Error(
        `socket path ${path} is longer than ${maxSocketPathBytes} bytes; use a shorter --state-dir`,
      );
    }
    // The caller holds the state-directory lock: a socket file left here is a dead host's.
    await removeStaleSocket(path);
    const holder: { server?: IpcServer } = {};
    const server = createServer((socket) => holder.server?.accept(socket, handler, onError));
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

  private accept(socket: Socket, handler: Handler, onError: (message: string) => void): void {
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
      const exchange: Exchange = {
        id: request.id,
        stream: (message) => write({ v: protocolVersion, id: request.id, ...message }),
        onClose: (cleanup) => cleanups.push(cleanup),
      };
      handler(request, exchange)
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

function idOf(line: string): string {
  try {
    const id = fieldOf(JSON.parse(line), "id");
    return typeof id === "string" ? id : "";
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
  const version = fieldOf(value, "v");
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

async function removeStaleSocket(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if (!stats.isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
    await unlink(path);
  } catch (error) {
    if (errnoOf(error) !== "ENOENT") throw error;
  }
}
