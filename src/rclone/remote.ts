/** True when `text` holds a C0 control character or DEL (newline, CR and tab included). */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export class RemotePathError extends Error {
  override readonly name = "RemotePathError";
}

/** Names rclone accepts for a remote in its config file (letters, digits, `_.+@-` and inner spaces). */
export const remoteNamePattern = /^[\p{L}\p{N}_.+@][\p{L}\p{N}_.+@ -]*$/u;

/**
 * `name:path` for rclone. `path` may be one string or segments; segments are joined with `/`, empty
 * segments dropped, and a leading `/` is kept only when the first segment has one. `..` is refused.
 */
export function remoteSpec(remoteName: string, path: string | readonly string[] = ""): string {
  if (!remoteNamePattern.test(remoteName) || remoteName.endsWith(" ")) {
    throw new RemotePathError(`Invalid rclone remote name: ${JSON.stringify(remoteName)}`);
  }
  const parts = typeof path === "string" ? [path] : [...path];
  const absolute = parts[0]?.startsWith("/") ?? false;
  const segments = parts.flatMap((part) => part.split("/")).filter((segment) => segment !== "");
  for (const segment of segments) {
    if (segment === "..") {
      throw new RemotePathError(`Refusing a ".." segment in the path for remote ${remoteName}`);
    }
    if (hasControlChar(segment)) {
      throw new RemotePathError(`Refusing a control character in the path for remote ${remoteName}`);
    }
  }
  return `${remoteName}:${absolute ? "/" : ""}${segments.join("/")}`;
}

const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument, or joins several, for a POSIX shell (for printing commands only). */
export function shellQuote(args: string | readonly string[]): string {
  if (typeof args !== "string") return args.map((arg) => shellQuote(arg)).join(" ");
  if (args !== "" && safeWord.test(args)) return args;
  return `'${args.replace(/'/g, `'\\''`)}'`;
}

const secretKeys =
  "pass|password|password2|secret_access_key|session_token|token|client_secret|key|sse_customer_key|sas_url|account_key|service_account_credentials|bearer_token";

/** `key=value` inside connection strings (`:s3,secret_access_key=...:`). */
const secretInConnectionString = new RegExp(
  `([,:]\\s*(?:${secretKeys})\\s*=\\s*)('[^']*'|"[^"]*"|[^,:\\s]+)`,
  "gi",
);
/** `--sftp-pass value`, `--s3-secret-access-key=value`, `--webdav-bearer-token value`. */
const secretFlag =
  /(--[a-z0-9]+-(?:pass|password|password2|secret-access-key|session-token|token|client-secret|key|sse-customer-key|sas-url|account-key|bearer-token))(=|\s+)('[^']*'|"[^"]*"|\S+)/gi;

/** Masks secrets rclone may echo back: connection-string values and backend secret flags. */
export function redactSecrets(text: string): string {
  return text.replace(secretInConnectionString, "$1***").replace(secretFlag, "$1$2***");
}
