/**
 * The CLI's commands and how they end: exit 0, or non-zero with a one-line reason. Run by the standalone
 * `workspace-sync` (main.ts) and by `openclaw workspace-sync ...` (the plugin's CLI bridge).
 */
import { stripVTControlCharacters } from "node:util";
import {
  type CommandDef,
  defineCommand,
  type Resolvable,
  renderUsage,
  runCommand,
  type SubCommandsDef,
} from "citty";
import { consola } from "consola";
import { runnable } from "../util/command.js";
import { messageOf } from "../util/errors.js";
import { toolVersion } from "../version.js";
import { listCommand } from "./commands/list.js";
import { logCommand } from "./commands/log.js";
import { statusCommand } from "./commands/status.js";
import { syncCommand } from "./commands/sync.js";
import { ExitCode, toCliError } from "./errors.js";
import { colourWanted } from "./output.js";

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

const resolve = async <T>(value: Resolvable<T>): Promise<T> =>
  // cast: citty's `Resolvable` is a value, a promise or a function returning either; a function is called
  typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;

/**
 * The command `--help` is about: the deepest subcommand the words name (`backup restore --help` is restore's
 * own usage and flags), skipping flags and their values.
 */
async function helpTarget(argv: string[]): Promise<{ command: CommandDef; parent?: CommandDef }> {
  let command: CommandDef = mainCommand;
  const path: string[] = [];
  for (const word of argv) {
    if (word.startsWith("-")) continue;
    const subs = command.subCommands === undefined ? undefined : await resolve(command.subCommands);
    const found = subs?.[word];
    if (found === undefined) continue;
    path.push(word);
    command = await resolve(found);
  }
  if (path.length === 0) return { command };
  // The usage line names the whole path (`workspace-sync backup restore`): citty prints the parent's name first.
  return { command, parent: { meta: { name: ["workspace-sync", ...path.slice(0, -1)].join(" ") } } };
}

export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    const { command, parent } = await helpTarget(argv);
    const usage = await renderUsage(command, parent);
    process.stdout.write(
      `${colourWanted(process.stdout, process.env) ? usage : stripVTControlCharacters(usage)}\n`,
    );
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
      // citty colours the word it did not know, terminal or not: plain text unless colour is wanted.
      const said = colourWanted(process.stderr, process.env)
        ? error.message
        : stripVTControlCharacters(error.message);
      consola.error(`${said} (see ${runnable("--help")})`);
      return ExitCode.usage;
    }
    consola.error(messageOf(error));
    return ExitCode.failed;
  }
}
