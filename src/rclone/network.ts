/**
 * rclone's words for a remote it cannot reach, in plain ones: what happened, where, and the config key
 * that says where the remote is (`connection refused at 127.0.0.1:9; check `s3.endpoint``).
 */
import type { FailureCause } from "../../machines/outcomes.js";

export interface NetworkFailure {
  cause: FailureCause;
  /** `host:port` or the host name, as rclone's message gives it ("" when it names none). */
  endpoint: string;
  message: string;
  hint: string;
  /** Whether trying again can help; false when the config itself is wrong (https:// to a plain HTTP server). */
  retryable: boolean;
}

interface Match {
  cause: FailureCause;
  endpoint: string;
  /** Words for the message: what happened, before `at <endpoint>`. */
  what: string;
  /** The hint, when it is not the cause's usual one. */
  hint?: string;
  /** false when the config is wrong and only changing it helps (default true). */
  retryable?: boolean;
}

const refused = /dial tcp ([^\s:]+:\d+): connect: connection refused/i;
const noName =
  /lookup ([^\s:]+?)(?: on [^\s]+)?: (?:no such host|server misbehaving|temporary failure in name resolution)/i;
const noRoute =
  /dial tcp ([^\s:]+:\d+): (?:i\/o timeout|connect: (?:connection timed out|no route to host|network is unreachable))/i;
const tls =
  /(?:\btls: |x509: |remote error: tls)([^\n]*?)(?:$|\n)|first record does not look like a TLS handshake/i;
/** Go's words when an https:// URL reaches a server that answers in plain HTTP. */
const plainHttp = /server gave HTTP response to HTTPS client/i;
const urlHost = /\bhttps?:\/\/([^/"\s?]+)/i;

function matchLine(line: string): Match | null {
  let m = refused.exec(line);
  if (m?.[1]) return { cause: "connection-refused", endpoint: m[1], what: "connection refused at" };
  m = noName.exec(line);
  if (m?.[1]) return { cause: "dns", endpoint: m[1], what: "host name not found (DNS):" };
  m = noRoute.exec(line);
  if (m?.[1]) return { cause: "unreachable", endpoint: m[1], what: "no connection to" };
  if (plainHttp.test(line)) {
    return {
      cause: "tls",
      endpoint: urlHost.exec(line)?.[1] ?? "",
      what: "the server answered in plain HTTP, not TLS (https):",
      hint: "The server there speaks plain HTTP: write the address with http:// instead of https://, or point it at the server's https port, whose certificate must be trusted here.",
      retryable: false,
    };
  }
  m = tls.exec(line);
  if (m) {
    const detail = (m[1] ?? "").trim() || "first record does not look like a TLS handshake";
    const host = urlHost.exec(line)?.[1] ?? "";
    return {
      cause: "tls",
      endpoint: host,
      what: `TLS handshake failed (${detail.replace(/[.:]+$/, "")}) with`,
    };
  }
  return null;
}

const hints: Record<FailureCause, string> = {
  "connection-refused":
    "Nothing accepts connections there: check the host and port, and that the server is running.",
  dns: "Check the host name's spelling, and that this machine can resolve names (DNS).",
  tls: "Check http:// against https:// and the port, and that the server's certificate is trusted here (SSL_CERT_FILE for a private CA).",
  unreachable: "The address did not answer: check it, and the firewalls and network between here and there.",
  stalled: "The server stopped answering mid-transfer: check that it is up and reachable.",
};

/**
 * The first line that says the remote could not be reached, in plain words; null when none does.
 * `endpointKey` is the config key naming where the remote is (`s3.endpoint`), when there is one.
 */
export function networkFailure(lines: readonly string[], endpointKey?: string): NetworkFailure | null {
  for (const line of lines) {
    const match = matchLine(line);
    if (match === null) continue;
    const where =
      match.endpoint === ""
        ? match.what.replace(/ (?:at|with|to|\(DNS\):|\(https\):)$/, "")
        : `${match.what} ${match.endpoint}`;
    const check = endpointKey === undefined ? "check the network connection" : `check \`${endpointKey}\``;
    return {
      cause: match.cause,
      endpoint: match.endpoint,
      message: `${where}; ${check}`,
      hint: match.hint ?? hints[match.cause],
      retryable: match.retryable ?? true,
    };
  }
  return null;
}

/** The failure of a run stopped because its transfer made no progress for `seconds`. */
export function stalledFailure(seconds: number, endpointKey?: string): NetworkFailure {
  const check = endpointKey === undefined ? "" : `; check the server at \`${endpointKey}\``;
  return {
    cause: "stalled",
    endpoint: "",
    message: `the transfer stalled: no progress for ${seconds} s, so rclone was stopped${check}`,
    hint: hints.stalled,
    retryable: true,
  };
}
