/** `workspace-sync`: the standalone CLI. */
import { signalExitCode, stopChildGroups } from "../util/child-groups.js";
import { runCli } from "./run.js";

/** How long rclone gets between SIGTERM and SIGKILL when the CLI is interrupted. */
const interruptGraceMs = 2_000;

/**
 * SIGINT or SIGTERM ends every rclone this process started (each leads its own process group, which a
 * terminal's Ctrl-C does not reach), then exits 130 or 143; the command's own failure (its rclone was
 * killed) is not reported. A command that handles the signal itself (a one-shot host, `daemon`, `viz`) is
 * left to do so: it registers its own listener after this one.
 */
async function main(): Promise<number> {
  const interrupt = new AbortController();
  const onInterrupt = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    interrupt.abort(signal);
    process.stderr.write(`${signal}: interrupted\n`);
    void stopChildGroups(interruptGraceMs).finally(() => process.exit(signalExitCode(signal)));
  };
  process.on("SIGINT", onInterrupt).on("SIGTERM", onInterrupt);
  return runCli(process.argv.slice(2), { interrupted: interrupt.signal });
}

process.exitCode = await main();
