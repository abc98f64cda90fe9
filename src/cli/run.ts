/**
 * The CLI's commands and how they end: exit 0, or non-zero with a one-line reason. Run by the standalone
 * `workspace-sync` (main.ts) and by `openclaw workspace-sync ...` (the plugin's CLI bridge).
 */
import { defineCommand, runCommand, type SubCommandsDef, showUsage } from "citty";
import { consola } from "consola";
import { runnable } from "../util/command.js";
import { messageOf } from "../util/errors.js";
import { toolVersion } from "../version.js";
import { listCommand } from "./commands/list.js";
import { logCommand } from "./commands/log.js";
import { statusCommand } from "./commands/status.js";
import { syncCommand } from "./commands/sync.js";
import { ExitCode, toCliError } from "./errors.js";

const pkg = { version: toolVersion() };

/**
 * Loaded on use: `viz` (diagrams, live page), `backup` (age, tar), `setup` and `authorize` (prompts) and
 * `daemon` are kept out of every other command's start-up.
 */
const subCommands: SubCommandsDef = {
  sync: syncCommand,
  status: statusCommand,
  log: logCommand,
  list: listCommand,
  daemon: async () => (await import("./commands/daemon.js")).daemonCommand,
  setup: async () => (await import("./commands/setup.js")).setupCommand,
  authorize: async () => (await import("./commands/authorize.js")).authorizeCommand,
  backup: async () => (await import("./commands/backup.js")).backupCommand,
  viz: async () => (await import("./commands/viz.js")).vizCommand,
};

export const mainCommand = defineCommand({
  meta: {
    name: "workspace-sync",
    version: pkg.version,
    description: "Sync an agent workspace with the cloud through rclone",
  },
  subCommands,
});

export interface RunCliOptions {
  /** Aborted when the process is being interrupted: a failure after that is not reported (the handler exits). */
  interrupted?: AbortSignal;
}

export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    const sub = argv.find((a) => !a.startsWith("-"));
    const found = sub === undefined ? undefined : subCommands[sub];
    const chosen = typeof found === "function" ? await found() : await found;
    await showUsage(chosen ?? mainCommand, chosen ? mainCommand : undefined);
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${pkg.version}\n`);
    return ExitCode.ok;
  }
  try {
    await runCommand(mainCommand, { rawArgs: argv });
    return ExitCode.ok;
  } catch (error) {
    if (options.interrupted?.aborted === true) return ExitCode.failed;
    const known = toCliError(error);
    if (known) {
      consola.error(known.message);
      return known.exitCode;
    }
    if (error instanceof Error && error.name === "CLIError") {
      consola.error(`${error.message} (see ${runnable("--help")})`);
      return ExitCode.usage;
    }
    consola.error(messageOf(error));
    return ExitCode.failed;
  }
}
