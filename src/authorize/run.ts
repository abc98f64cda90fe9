/**
 * `rclone authorize <backend>` run headless (`--auth-no-open-browser`): rclone serves the OAuth
 * callback on 127.0.0.1:53682 and prints a link; when the browser comes back, it prints the token.
 */
import { hostname, userInfo } from "node:os";
import type { OAuthBackend } from "../providers/index.js";
import { runRclone } from "../rclone/run.js";
import { createRedactor } from "../util/errors.js";
import { extractToken, TokenError } from "./token.js";

/** rclone's fixed callback port (1.60 and later). */
export const callbackPort = 53682;

export interface AuthorizeRun {
  binary: string;
  backend: OAuthBackend;
  /** Your own OAuth app (Dropbox app key and secret); rclone's own app otherwise. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** rclone config path given to rclone (it only reads it). */
  configPath: string;
  env?: NodeJS.ProcessEnv;
  /** Added to rclone's environment (tests point RCLONE_<BACKEND>_AUTH_URL/_TOKEN_URL at a local server). */
  extraEnv?: Record<string, string>;
  /** Called once with the link to open, as soon as rclone prints it. */
  onLink: (url: string) => void;
  signal?: AbortSignal;
  timeoutMs: number;
}

const linkPattern = /(https?:\/\/\S+\/auth\?state=[A-Za-z0-9_-]+)/;

/** The link in one of rclone's log messages ("Please go to the following link: ..."), or null. */
export function authorizeLink(message: string): string | null {
  return linkPattern.exec(message)?.[1] ?? null;
}

/** How to reach the link from a machine with a browser, when this one has none. */
export function tunnelHelp(env: NodeJS.ProcessEnv = process.env): string {
  const user = env.USER ?? safeUser();
  return `ssh -L ${callbackPort}:localhost:${callbackPort} ${user}@${hostname()}`;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "you";
  }
}

/** Runs rclone authorize to its end; resolves with the token JSON, or throws {@link TokenError}. */
export async function runAuthorize(run: AuthorizeRun): Promise<string> {
  const args = ["authorize", run.backend];
  if (run.clientId && run.clientSecret) args.push(run.clientId, run.clientSecret);
  args.push("--auth-no-open-browser");
  let linked = false;
  const lines: string[] = [];
  const result = await runRclone({
    binary: run.binary,
    args,
    configPath: run.configPath,
    env: run.env ?? process.env,
    extraEnv: run.extraEnv ?? {},
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    // It waits on a person in a browser: no stall limit.
    stallMs: Number.POSITIVE_INFINITY,
    // No `exitCodes`: what exit 1 or 2 means (1.69 swapped them) changes only a failure's kind (never to or
    // from `timeout`) and hint; this reads only the message and a timeout, so no `rclone version` runs for it.
    redact: createRedactor([run.clientSecret ?? ""]),
    stdout: "text",
    onLine: (line) => {
      lines.push(line.msg);
      const link = authorizeLink(line.msg);
      if (link && !linked) {
        linked = true;
        run.onLink(link);
      }
    },
  });
  if (!result.ok) {
    const said = lines.join("\n");
    if (
      /address already in use|bind:/i.test(said) ||
      /address already in use/i.test(result.failure.message)
    ) {
      throw new TokenError(
        `port ${callbackPort} is in use (another authorize running?): stop it and try again, or paste a token`,
      );
    }
    if (result.failure.kind === "timeout") {
      throw new TokenError(
        `no answer from the browser within ${Math.round(run.timeoutMs / 1000)} s: run authorize again`,
      );
    }
    if (run.signal?.aborted) throw new TokenError("authorize was stopped");
    throw new TokenError(`rclone authorize failed: ${result.failure.message}`);
  }
  const token = extractToken(result.stdout);
  if (!token) throw new TokenError("rclone authorize finished without printing a token");
  return token;
}
