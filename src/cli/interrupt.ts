/**
 * How every CLI command ends on SIGINT or SIGTERM, in the standalone `workspace-sync` and in
 * `openclaw workspace-sync ...` alike: every rclone the process started is stopped (each leads its own
 * process group, which a terminal's Ctrl-C does not reach: `rclone authorize` would otherwise keep
 * 127.0.0.1:53682), then the process exits 130 or 143; the command's own failure (its rclone was killed)
 * is not reported. A command that handles the signal itself (a one-shot host, `daemon`, `viz`) is left to
 * do so: it registers its own listener after this one. The first SIGTERM to the groups is sent at once,
 * before anything is awaited, so it goes out even when the openclaw CLI's own handler exits right after.
 */
import { signalExitCode, stopChildGroups } from "../util/child-groups.js";
import { runCli } from "./run.js";

/** How long rclone gets between SIGTERM and SIGKILL when the CLI is interrupted. */
const interruptGraceMs = 2_000;

/** Runs `argv` as {@link runCli} does, ending every rclone it started on SIGINT/SIGTERM. */
export async function runCliInterruptible(argv: string[]): Promise<number> {
  const interrupt = new AbortController();
  const onInterrupt = (signal: NodeJS.Signals): void => {
    // A listener added after this one belongs to the command, which stops its own work. (One added
    // before, such as the openclaw CLI's, does not count: the rclone groups are signalled here at once.)
    if (process.listeners(signal).at(-1) !== onInterrupt) return;
    interrupt.abort(signal);
    process.stderr.write(`${signal}: interrupted\n`);
    void stopChildGroups(interruptGraceMs).finally(() => process.exit(signalExitCode(signal)));
  };
  process.on("SIGINT", onInterrupt).on("SIGTERM", onInterrupt);
  try {
    return await runCli(argv, { interrupted: interrupt.signal });
  } finally {
    process.off("SIGINT", onInterrupt).off("SIGTERM", onInterrupt);
  }
}
