/**
 * One authorization, start to end: a token from a paste or from `rclone authorize` (whichever comes
 * first when both are possible), checked, then stored in the project's rclone.conf. Shared by the
 * `authorize` command and the setup wizard. Never prints the token.
 */
import { createInterface } from "node:readline";
import type { SyncConfig } from "../config/schema.js";
import { rcloneConfigPath } from "../paths.js";
import { type OAuthBackend, providerFor } from "../providers/index.js";
import { messageOf } from "../util/errors.js";
import { callbackPort, runAuthorize, tunnelHelp } from "./run.js";
import { discoverOneDrive, type StoredAuthorization, storeAuthorization } from "./store.js";
import { type CheckedToken, checkToken, readPastedToken, TokenError } from "./token.js";

export interface AuthorizeIo {
  line(text: string): void;
  warn(text: string): void;
}

export interface AuthorizeOptions {
  config: SyncConfig;
  stateDir: string;
  binary: string;
  env: NodeJS.ProcessEnv;
  io: AuthorizeIo;
  /** A token given up front (pasted text, JSON or rclone's paste block): no browser flow. */
  pasted?: string | undefined;
  /** Read a pasted token from this stream while rclone waits for the browser (a terminal's stdin). */
  pasteFrom?: NodeJS.ReadableStream | undefined;
  timeoutMs?: number;
  /** Microsoft Graph base URL (OneDrive drive lookup); tests point it at a local server. */
  graphUrl?: string;
}

export interface AuthorizeOutcome extends StoredAuthorization {
  provider: string;
  expiry: string | null;
  via: "browser" | "paste";
}

export function oauthBackendOf(config: SyncConfig): OAuthBackend | null {
  if (config.provider === "off") return null;
  return providerFor(config).remote({ config, stateDir: "" }).oauth?.backend ?? null;
}

/** rclone's own OAuth overrides for this backend, passed through when set (self-hosted OAuth proxies). */
function oauthEnv(backend: OAuthBackend, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const suffix of ["AUTH_URL", "TOKEN_URL"]) {
    const name = `RCLONE_${backend.toUpperCase()}_${suffix}`;
    const value = env[name];
    if (value) out[name] = value;
  }
  return out;
}

function readPaste(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream, terminal: false });
    const close = () => {
      lines.close();
      reject(new TokenError("paste cancelled"));
    };
    signal.addEventListener("abort", close, { once: true });
    lines.on("line", (line) => {
      try {
        const token = readPastedToken(line);
        signal.removeEventListener("abort", close);
        lines.close();
        resolve(token);
      } catch {
        // Not a token line (the markers, a blank line): keep reading.
      }
    });
  });
}

async function obtainToken(
  options: AuthorizeOptions,
  backend: OAuthBackend,
): Promise<[string, "browser" | "paste"]> {
  if (options.pasted !== undefined) return [readPastedToken(options.pasted), "paste"];
  const { io, config } = options;
  const stop = new AbortController();
  io.line(`Authorizing ${config.provider} through rclone (headless: no browser is opened here).`);
  const browser = runAuthorize({
    binary: options.binary,
    backend,
    clientId: config.dropbox?.appKey,
    clientSecret: config.dropbox?.appSecret,
    configPath: rcloneConfigPath(options.stateDir),
    env: options.env,
    extraEnv: oauthEnv(backend, options.env),
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    signal: stop.signal,
    onLink: (url) => {
      io.line(`1. Open this link in a browser: ${url}`);
      io.line(`   From another machine, first forward the port: ${tunnelHelp(options.env)}`);
      io.line(`   (then open the link there; rclone listens on localhost:${callbackPort})`);
      io.line("2. Sign in and allow access. The token is stored when the browser says Success.");
      if (options.pasteFrom) {
        io.line(
          `   Or paste the token JSON here (from \`rclone authorize ${backend}\` on a machine with a browser):`,
        );
      }
    },
  }).then((token): [string, "browser"] => [token, "browser"]);
  const paste = options.pasteFrom
    ? readPaste(options.pasteFrom, stop.signal).then((token): [string, "paste"] => [token, "paste"])
    : null;
  // When rclone fails (its port is taken, say), a paste can still finish the job. Without a paste the
  // browser alone races: a fallback promise made anyway would reject unhandled when rclone fails.
  const racers =
    paste === null
      ? [browser]
      : [
          browser.catch((error: unknown) => {
            if (stop.signal.aborted) throw error;
            io.warn(`${messageOf(error)}; you can still paste a token`);
            return paste;
          }),
          paste,
        ];
  try {
    return await Promise.race(racers);
  } finally {
    stop.abort();
    await Promise.allSettled(racers);
  }
}

/** Gets, checks and stores a token for the config's OAuth provider. Throws {@link TokenError}. */
export async function authorize(options: AuthorizeOptions): Promise<AuthorizeOutcome> {
  const { config, io } = options;
  const backend = oauthBackendOf(config);
  if (!backend) {
    throw new TokenError(
      `\`provider\` "${config.provider}" does not use OAuth: authorize works for dropbox, gdrive and onedrive`,
    );
  }
  const [raw, via] = await obtainToken(options, backend);
  const checked: CheckedToken = checkToken(raw);
  for (const warning of checked.warnings) io.warn(warning);
  let extra: Record<string, string> | undefined;
  if (config.provider === "onedrive" && !config.onedrive?.driveId) {
    try {
      extra = { ...(await discoverOneDrive(checked.token, { graphUrl: options.graphUrl })) };
      io.line(`found your OneDrive (${extra.drive_type})`);
    } catch (error) {
      io.warn(`${messageOf(error)}; set \`onedrive.driveId\` and \`onedrive.driveType\` in the config`);
    }
  }
  const stored = await storeAuthorization({
    config,
    stateDir: options.stateDir,
    token: checked.token,
    extra,
  });
  return { ...stored, provider: config.provider, expiry: checked.expiry, via };
}
