/**
 * `viz --live`: the live page on 127.0.0.1 only (never another interface), behind a random token in
 * the URL, and a Host check against DNS rebinding.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createLiveHandler } from "./handler.js";
import type { LiveSource, ProgressFeed } from "./source.js";
import type { Summarize } from "./summary.js";

export const loopback = "127.0.0.1";

export interface LiveServerOptions {
  source: LiveSource;
  svg: () => Promise<string>;
  /** 0 (default): any free port. */
  port?: number;
  title?: string;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  progress?: ProgressFeed;
  summary?: Summarize;
}

export interface LiveServer {
  /** The page's address, token included. */
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const token = options.token ?? randomBytes(32).toString("base64url");
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: loopback, port: options.port ?? 0, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  // Listening on a TCP port always gives an AddressInfo; a string is a pipe, null a closed server.
  if (address === null || typeof address === "string")
    throw new Error("the live page's server has no TCP port");
  const { port } = address;
  const handler = createLiveHandler({
    source: options.source,
    svg: options.svg,
    token,
    allowedHosts: [`${loopback}:${port}`, `localhost:${port}`],
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    ...(options.summary === undefined ? {} : { summary: options.summary }),
  });
  server.on("request", handler);
  return {
    url: `http://${loopback}:${port}/?token=${token}`,
    port,
    token,
    server,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
