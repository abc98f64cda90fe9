import type { ErrorKind, FailureCause } from "../../machines/outcomes.js";
import type { ExitCodeScheme } from "./capabilities.js";
import { networkFailure, stalledFailure } from "./network.js";

export interface ClassifyInput {
  /** rclone's exit code; null or undefined when it did not exit normally (signal, spawn error). */
  exitCode: number | null | undefined;
  /** Error-level JSON log messages (`object: msg`). */
  errorMessages: readonly string[];
  /** Non-JSON stderr: the whole text or its lines (`Failed to sync: ...`, usage errors). */
  stderrText: string | readonly string[];
  /** rclone's `stats.lastError`, when it printed one. */
  lastError?: string | undefined;
  timedOut?: boolean;
  timeoutMs?: number;
  /** The caller stopped rclone through its AbortSignal (for example the host is shutting down). */
  aborted?: boolean;
  /** rclone could not be started at all. */
  spawnError?: Error | string | undefined;
  /** The signal that ended rclone, when one did. */
  signal?: string | undefined;
  /** The run was stopped because its transfer made no progress for this many seconds. */
  stalledSeconds?: number | undefined;
  /** The config key that says where the remote is (`s3.endpoint`), for a remote that cannot be reached. */
  endpointKey?: string | undefined;
  /** What the installed rclone's exit codes mean (`RcloneCapabilities.exitCodes`; default: 1.60's). */
  exitCodes?: ExitCodeScheme | undefined;
}

export interface Classification {
  kind: ErrorKind;
  /** One line a person can act on. */
  message: string;
  hint?: string;
  cause?: FailureCause;
  endpoint?: string;
}

interface Rule {
  kind: ErrorKind;
  pattern: RegExp;
  hint?: string;
}

const hints = {
  install:
    "Install rclone (`apt-get install rclone`, `brew install rclone`, or https://rclone.org/downloads/).",
  lock: "Another bisync holds the lock, or a killed one left it behind: wait, or remove the .lck file once no rclone runs.",
  resync: "bisync lost its listings: check both sides, then run a sync with --resync.",
  usage:
    "This rclone does not accept that command line: upgrade rclone (`rclone version`) or drop the option.",
  config: "The remote is not set up in the rclone config this tool wrote: run the setup again.",
  caBundle: "Unset AWS_CA_BUNDLE for rclone 1.60 (its S3 backend cannot load custom CA bundles).",
  localPermission: "A local file or folder cannot be read or written: check its owner and permissions.",
  auth: "The remote refused the credentials: reconnect or re-authorize it, and check its permissions.",
  notFound: "Check the path, and create a missing remote folder first (`rclone mkdir`).",
  network: "A network or server problem: check the connection if it persists.",
  safety:
    "bisync stopped to protect your files: check what changed, then sync with --force if it is intended.",
  maxDelete: "Too many deletions for the --max-delete limit: check what changed before allowing it.",
  timeout: "Raise the timeout if the transfer is large, or check the network.",
  localSpace:
    "Free space (or remount read-write) on the local disk named in the message; it is retried, and nothing partial is delivered.",
} as const;

/** Read before the network causes: what these say is the whole story even when a connection failed too. */
const firstRules: readonly Rule[] = [
  { kind: "lock-held", pattern: /prior lock file found/i, hint: hints.lock },
  {
    kind: "needs-resync",
    pattern: /must run --resync|cannot find prior Path1 or Path2 listings/i,
    hint: hints.resync,
  },
  {
    kind: "fatal",
    pattern:
      /unknown (?:shorthand )?flag|unknown command|flag needs an argument|invalid argument "[^"]*" for|accepts? (?:between )?\d+ (?:and \d+ )?args?|bad flag syntax/i,
    hint: hints.usage,
  },
  {
    kind: "fatal",
    pattern: /didn't find section in config file|couldn't find type of fs/i,
    hint: hints.config,
  },
  { kind: "fatal", pattern: /LoadCustomCABundleError/, hint: hints.caBundle },
];

const rules: readonly Rule[] = [
  {
    kind: "retryable",
    // rclone's local backend checks room before writing: "preallocate: file too big for remaining disk space".
    pattern:
      /no space left on device|disk quota exceeded|read-only file system|file too big for remaining disk space/i,
    hint: hints.localSpace,
  },
  {
    kind: "fatal",
    pattern:
      /\b(?:open|openat|mkdir|mkdirat|stat|lstat|remove|unlinkat|rename|chmod|chtimes|symlink|readdirent|lchown)\b[^\n]*: permission denied/i,
    hint: hints.localPermission,
  },
  {
    kind: "auth",
    pattern:
      /\b(?:401|403) (?:unauthori[sz]ed|forbidden)|status code:? (?:401|403)\b|http (?:error )?(?:401|403)\b|unauthori[sz]ed|\bforbidden\b|invalid_grant|invalid_client|token (?:has )?expired|expired_access_token|couldn't fetch token|cannot fetch token|empty token found|AccessDenied|Access Denied|SignatureDoesNotMatch|InvalidAccessKeyId|unable to authenticate|authentication failed|auth(?:entication|orization)? (?:error|required)|permission denied/i,
    hint: hints.auth,
  },
  {
    kind: "not-found",
    pattern:
      /directory not found|object not found|file not found|no such file or directory|NoSuchBucket|NoSuchKey|bucket does not exist/i,
    hint: hints.notFound,
  },
  {
    kind: "retryable",
    pattern:
      /connection refused|no such host|i\/o timeout|connection reset|TLS handshake|\bEOF\b|broken pipe|network is unreachable|temporary failure in name resolution|server misbehaving|context deadline exceeded|timeout awaiting response headers|too many requests|\b(?:429|500|502|503|504)\b [A-Z]|SlowDown|RequestTimeout|rate ?limit/i,
    hint: hints.network,
  },
  { kind: "fatal", pattern: /safety abort|too many deletes|all files were changed/i, hint: hints.safety },
  { kind: "fatal", pattern: /--max-delete threshold reached/i, hint: hints.maxDelete },
];

/** Generic lines that never say what went wrong on their own. */
const noise =
  /^(?:Attempt \d+\/\d+ failed|not deleting (?:files|directories) as there were IO errors|Bisync aborted\. Please try again|Usage:|Flags:|Global Flags:|Use "rclone|Run 'rclone|You could use)/;
const goLogPrefix =
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? (?:(?:ERROR|NOTICE|INFO|DEBUG|CRITICAL) ?: )?/;
const maxMessageLength = 300;

/** Collapses a (possibly multi-line) rclone message into one trimmed line. */
export function oneLine(text: string): string {
  const line = text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:Fatal error|Error): /, "");
  return line.length > maxMessageLength ? `${line.slice(0, maxMessageLength - 1)}…` : line;
}

function candidateLines(input: ClassifyInput): string[] {
  const text = typeof input.stderrText === "string" ? input.stderrText.split(/\r?\n/) : input.stderrText;
  const lines: string[] = [...input.errorMessages];
  for (const raw of text) {
    if (raw === "" || /^\s/.test(raw)) continue; // usage text is indented
    lines.push(raw.replace(goLogPrefix, ""));
  }
  if (input.lastError !== undefined && input.lastError !== "") lines.push(input.lastError);
  return lines;
}

/** A usage error: rclone refused the command line (from 1.69, exit 2). Retrying cannot help. */
const usageHint =
  "rclone refused the command line (a usage error): if it names an unknown flag, upgrade rclone; otherwise report it as a bug of this tool.";

function exitCodeKind(exitCode: number, scheme: ExitCodeScheme): { kind: ErrorKind; hint?: string } {
  // 1.69 swapped 1 and 2: uncategorised is 1, a usage error 2 (before: usage 1, uncategorised 2).
  const uncategorised = scheme === "1.69" ? 1 : 2;
  if (scheme === "1.69" && exitCode === 2) return { kind: "fatal", hint: usageHint };
  switch (exitCode) {
    case uncategorised:
    case 5:
      return { kind: "retryable", hint: hints.network };
    case 3:
    case 4:
      return { kind: "not-found", hint: hints.notFound };
    case 8:
      return { kind: "fatal", hint: "The transfer limit (--max-transfer) was reached." };
    case 7:
      // FatalError; from 1.69 also a critically aborted bisync (its text, matched before, says needs-resync).
      return { kind: "fatal", hint: "rclone stopped on an error that retrying will not fix." };
    case 9:
      return { kind: "fatal", hint: "Nothing was transferred (--error-on-no-transfer)." };
    default:
      return { kind: "fatal" };
  }
}

function spawnMessage(error: Error | string): string {
  return oneLine(typeof error === "string" ? error : error.message);
}

/** The first rule (in order) that one of `lines` matches, as a classification; null when none does. */
function matchRules(
  list: readonly Rule[],
  lines: readonly string[],
  exitCode: number | null | undefined,
): Classification | null {
  for (const rule of list) {
    const line = lines.find((candidate) => rule.pattern.test(candidate));
    if (line === undefined) continue;
    const kind = rule.kind === "retryable" && (exitCode === 3 || exitCode === 4) ? "not-found" : rule.kind;
    return { kind, message: oneLine(line), ...(rule.hint === undefined ? {} : { hint: rule.hint }) };
  }
  return null;
}

/** Sorts a failed rclone run into an {@link ErrorKind} with one line a person can act on. */
export function classifyFailure(input: ClassifyInput): Classification {
  if (input.spawnError !== undefined) {
    return {
      kind: "fatal",
      message: `could not start rclone: ${spawnMessage(input.spawnError)}`,
      hint: hints.install,
    };
  }
  if (input.stalledSeconds !== undefined) {
    const { cause, endpoint, message, hint } = stalledFailure(input.stalledSeconds, input.endpointKey);
    return { kind: "retryable", message, hint, cause, ...(endpoint === "" ? {} : { endpoint }) };
  }
  if (input.timedOut === true) {
    const after = input.timeoutMs === undefined ? "" : ` within ${input.timeoutMs / 1000} s`;
    return { kind: "timeout", message: `rclone did not finish${after} and was stopped`, hint: hints.timeout };
  }
  if (input.aborted === true) {
    return { kind: "retryable", message: "rclone was stopped before it finished (the host is stopping)" };
  }
  const lines = candidateLines(input);
  const first = matchRules(firstRules, lines, input.exitCode);
  if (first !== null) return first;
  const network = networkFailure(lines, input.endpointKey);
  if (network !== null) {
    const { cause, endpoint, message, hint, retryable } = network;
    const kind = retryable ? "retryable" : "fatal";
    return { kind, message, hint, cause, ...(endpoint === "" ? {} : { endpoint }) };
  }
  const matched = matchRules(rules, lines, input.exitCode);
  if (matched !== null) return matched;
  const best = lines.find((line) => !noise.test(line)) ?? lines[0];
  if (input.exitCode === null || input.exitCode === undefined) {
    const how = input.signal === undefined ? "ended abnormally" : `was killed by ${input.signal}`;
    return { kind: "retryable", message: best === undefined ? `rclone ${how}` : oneLine(best) };
  }
  const byCode = exitCodeKind(input.exitCode, input.exitCodes ?? "1.60");
  const message = best === undefined ? `rclone failed with exit code ${input.exitCode}` : oneLine(best);
  return { kind: byCode.kind, message, ...(byCode.hint === undefined ? {} : { hint: byCode.hint }) };
}
