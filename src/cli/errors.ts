/** Exit codes people and scripts can rely on. */
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
