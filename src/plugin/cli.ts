/**
 * `openclaw workspace-sync sync|status|log|list ...`: the standalone CLI's commands, run inside the
 * `openclaw` CLI process. They reach the service in the gateway over the socket; when no gateway runs,
 * `sync` runs a one-shot host, exactly as the standalone CLI does.
 */
import { runCli } from "../cli/run.js";
import { fieldOf } from "../util/json.js";
import type { CliCommand, CliContext, PluginApi } from "./api.js";
import { cliCommand, cliDescription } from "./manifest.js";

const subcommands: Record<string, string> = {
  sync: "Run one sync cycle now and wait for it",
  status: "Show the sync state, the last cycle and the last error",
  log: "Show the event history as a timeline",
  list: "List the files on the remote",
};

/** The arguments commander collected for a subcommand: its last action argument is the command. */
function rawArgsOf(actionArgs: readonly unknown[]): string[] {
  const args = fieldOf(actionArgs.at(-1), "args");
  return Array.isArray(args) ? args.filter((a): a is string => typeof a === "string") : [];
}

export function withDefaultWorkspace(argv: string[], workspaceDir: string | undefined): string[] {
  const named = argv.some((a) => a === "--workspace" || a.startsWith("--workspace="));
  return workspaceDir === undefined || named ? argv : [...argv, "--workspace", workspaceDir];
}

export function registerCommands(program: CliCommand, workspaceDir: string | undefined): void {
  const root = program.command(cliCommand).description(cliDescription);
  for (const [name, description] of Object.entries(subcommands)) {
    root
      .command(name)
      .description(description)
      .argument("[args...]", "options, as for the standalone workspace-sync CLI")
      .allowUnknownOption(true)
      .helpOption(false)
      .action(async (...actionArgs: unknown[]) => {
        process.exitCode = await runCli(withDefaultWorkspace([name, ...rawArgsOf(actionArgs)], workspaceDir));
      });
  }
}

export function registerCliBridge(api: PluginApi): void {
  api.registerCli((ctx: CliContext) => registerCommands(ctx.program, ctx.workspaceDir), {
    commands: [cliCommand],
    descriptors: [
      {
        name: cliCommand,
        description: cliDescription,
        hasSubcommands: true,
        machineOutput: ({ argv }) => argv.includes("--json"),
      },
    ],
  });
}
