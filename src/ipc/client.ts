/**
 * The client's side of the socket: connect to the host serving a state directory (null when none
 * runs), send one request, receive its streamed messages and its result.
 */
import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { RcloneProgress } from "../rclone/progress.js";
import type { Transition } from "../runtime/unit.js";
import { frameReader, frameWriter } from "./frames.js";
import {
  type ErrorBody,
  type HelloResult,
  protocolVersion,
  type RequestInput,
  type Response,
  socketName,
} from "./protocol.js";

export function socketPathOf(stateDir: string): string {
  return join(stateDir, socketName);
}

/** The host answered with an error. */
export class HostError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = "HostError";
  }
}

/** The connection ended before the request was answered (the host stopped or died). */
export class HostGoneError extends Error {
  override readonly name = "HostGoneError";
}

type RequestBody = RequestInput extends infer R
  ? R extends RequestInput
    ? Omit<R, "v" | "id">
    : never
  : never;

export interface CallOptions {
  /** `progress` and `transition` messages, as they arrive. */
  onStream?: (message: Transition & { type: "progress" | "transition" }) => void;
  /** rclone's transfer statistics streamed by `send` with `progress`. */
  onStats?: (stats: RcloneProgress) => void;
  signal?: AbortSignal;
}

export class HostClient {
  private constructor(
    private readonly socket: Socket,
    readonly path: string,
  ) {}

  /** Connects to the host of `stateDir`; null when no host listens there. */
  static async connect(stateDir: string, timeoutMs = 5000): Promise<HostClient | null> {
    const path = socketPathOf(stateDir);
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the host at ${path} did not accept a connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new HostClient(socket, path));
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // No socket file, or a file no one listens on (a host that died): no host.
        if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(null);
        else reject(new Error(`could not reach the host at ${path}: ${error.message}`));
      });
    });
  }

  /**
   * Sends one request and resolves with its result. For `subscribe` the result comes first and the
   * stream follows: the promise resolves at once and `onStream` keeps being called until `close()`.
   */
  call<T = unknown>(body: RequestBody, options: CallOptions = {}): Promise<T> {
    const id = randomUUID();
    const socket = this.socket;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      frameReader(socket, (line) => {
        let message: Response;
        try {
          // cast: the host writes only `Response` frames; unknown types fall through the branches below
          message = JSON.parse(line) as Response;
        } catch {
          return;
        }
        if (message.id !== id && message.id !== "") return;
        if (message.type === "progress" || message.type === "transition") options.onStream?.(message);
        else if (message.type === "stats") options.onStats?.(message.stats);
        // cast: the result's type is the request's, fixed by the caller that chose the op
        else if (message.type === "result") settle(() => resolve(message.result as T));
        else if (message.type === "error") settle(() => reject(new HostError(message.error)));
      });
      socket.once("close", () =>
        settle(() =>
          reject(new HostGoneError(`the host at ${this.path} closed the connection before answering`)),
        ),
      );
      options.signal?.addEventListener("abort", () => this.close(), { once: true });
      frameWriter(socket)({ v: protocolVersion, id, ...body });
    });
  }

  hello(): Promise<HelloResult> {
    return this.call<HelloResult>({ op: "hello" });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}

/** One request on its own connection; null when no host runs for `stateDir`. */
export async function callHost<T>(
  stateDir: string,
  body: RequestBody,
  options: CallOptions = {},
): Promise<{ result: T } | null> {
  const client = await HostClient.connect(stateDir);
  if (client === null) return null;
  try {
    return { result: await client.call<T>(body, options) };
  } finally {
    client.close();
  }
}
