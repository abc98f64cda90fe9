/** `workspace-sync`: the standalone CLI. Every command exits 0, or non-zero with a one-line reason. */
import { type CommandDef, defineCommand, runCommand, showUsage } from "citty";
import { consola } from "consola";
import { messageOf } from "../util/errors.js";
import { toolVersion } from "../version.js";
import { backupCommand } from "./commands/backup.js";
import { listCommand } from "./commands/list.js";
import { logCommand } from "./commands/log.js";
import { statusCommand } from "./commands/status.js";
import { syncCommand } from "./commands/sync.js";
import { ExitCode, toCliError } from "./errors.js";

const pkg = { version: toolVersion() };

const subCommands: Record<string, CommandDef> = {
  sync: syncCommand as CommandDef,
  status: statusCommand as CommandDef,
  log: logCommand as CommandDef,
  list: listCommand as CommandDef,
  backup: backupCommand as CommandDef,
};

export const mainCommand = defineCommand({
  meta: {
    name: "workspace-sync",
    version: pkg.version,
    description: "Sync an agent workspace with the cloud through rclone",
  },
  subCommands,
});

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    const sub = argv.find((a) => !a.startsWith("-"));
    const chosen = sub === undefined ? undefined : subCommands[sub];
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
    const known = toCliError(error);
    if (known) {
      consola.error(known.message);
      return known.exitCode;
    }
    if (error instanceof Error && error.name === "CLIError") {
      consola.error(`${error.message} (see workspace-sync --help)`);
      return ExitCode.usage;
    }
    consola.error(messageOf(error));
    return ExitCode.failed;
  }
}

process.exitCode = await main(process.argv.slice(2));
