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
}

interface Match {
  cause: FailureCause;
  endpoint: string;
  /** Words for the message: what happened, before `at <endpoint>`. */
  what: string;
}

const refused = /dial tcp ([^\s:]+:\d+): connect: connection refused/i;
const noName =
  /lookup ([^\s:]+?)(?: on [^\s]+)?: (?:no such host|server misbehaving|temporary failure in name resolution)/i;
const noRoute =
  /dial tcp ([^\s:]+:\d+): (?:i\/o timeout|connect: (?:connection timed out|no route to host|network is unreachable))/i;
const tls =
  /(?:\btls: |x509: |remote error: tls)([^\n]*?)(?:$|\n)|first record does not look like a TLS handshake/i;
const urlHost = /\bhttps?:\/\/([^/"\s?]+)/i;

function matchLine(line: string): Match | null {
  let m = refused.exec(line);
  if (m?.[1]) return { cause: "connection-refused", endpoint: m[1], what: "connection refused at" };
  m = noName.exec(line);
  if (m?.[1]) return { cause: "dns", endpoint: m[1], what: "host name not found (DNS):" };
  m = noRoute.exec(line);
  if (m?.[1]) return { cause: "unreachable", endpoint: m[1], what: "no connection to" };
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
        ? match.what.replace(/ (?:at|with|to|\(DNS\):)$/, "")
        : `${match.what} ${match.endpoint}`;
    const check = endpointKey === undefined ? "check the network connection" : `check \`${endpointKey}\``;
    return {
      cause: match.cause,
      endpoint: match.endpoint,
      message: `${where}; ${check}`,
      hint: hints[match.cause],
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
  };
}
