/** Exit codes people and scripts can rely on, and the one place errors are mapped to them. */
import { EncryptionConfigError } from "../backup/codec/age.js";
import { ConfigError } from "../config/load.js";
import { CredentialsMissingError } from "../effects/remote.js";
import { HostError, HostGoneError } from "../ipc/client.js";
import { RequestError } from "../ipc/server.js";
import { StateDirBusyError } from "../log/state-dir-lock.js";
import { ProviderConfigError, ProviderOffError } from "../providers/index.js";
import { RcloneNotFoundError, RcloneVersionError } from "../rclone/binary.js";
import { RcloneConfigParseError } from "../rclone/config-file.js";
import { UnsupportedModeError } from "../runtime/workspace/start.js";

export const ExitCode = {
  ok: 0,
  /** The operation ran and failed (or is waiting to retry). */
  failed: 1,
  /** Bad arguments or config: nothing ran, nothing was written. */
  usage: 2,
  /** Another host owns the state directory. */
  busy: 3,
} as const;

export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
  }
}

/** A known failure as the one line and exit code a person sees; null for anything unexpected. */
export function toCliError(error: unknown): CliError | null {
  if (error instanceof CliError) return error;
  if (error instanceof HostError) {
    const code =
      error.body.code === "refused" || error.body.code === "protocol" ? ExitCode.usage : ExitCode.failed;
    return new CliError(`the running host: ${error.message}`, code);
  }
  if (error instanceof HostGoneError) return new CliError(error.message, ExitCode.failed);
  // This process's own host refused (a unit it could not start: a config problem): as a running host's refusal.
  if (error instanceof RequestError && error.code === "refused") {
    return new CliError(error.message, ExitCode.usage);
  }
  if (
    error instanceof ConfigError ||
    error instanceof ProviderOffError ||
    error instanceof UnsupportedModeError ||
    error instanceof CredentialsMissingError ||
    error instanceof ProviderConfigError ||
    error instanceof EncryptionConfigError
  ) {
    return new CliError(error.message, ExitCode.usage);
  }
  if (error instanceof StateDirBusyError) return new CliError(error.message, ExitCode.busy);
  if (
    error instanceof RcloneNotFoundError ||
    error instanceof RcloneVersionError ||
    error instanceof RcloneConfigParseError
  ) {
    return new CliError(error.message, ExitCode.failed);
  }
  return null;
}
