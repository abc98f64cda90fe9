/**
 * `openclaw workspace-sync setup|authorize|sync|status|log|list|backup|viz ...`: the standalone CLI's
 * own command tree (citty, `runCli`), run inside the `openclaw` CLI process, so the commands are the same
 * with the same options. They reach the service in the gateway over the socket; when no gateway runs,
 * `sync` and `backup now` run a one-shot host, exactly as the standalone CLI does. Hints name commands
 * as `openclaw workspace-sync ...` here. `daemon` is left out: in OpenClaw the gateway is the host.
 */
import { commandEnvVar } from "../util/command.js";
import { fieldOf } from "../util/json.js";
import type { CliCommand, CliContext, PluginApi } from "./api.js";
import { cliCommand, cliDescription, openclawCommand } from "./manifest.js";

const subcommands: Record<string, string> = {
  setup: "Wizard: provider, mode, paths, credentials; writes the config, dry-runs",
  authorize: "Get an OAuth token (Dropbox, Google Drive, OneDrive): headless over SSH, or pasted",
  sync: "Run one sync cycle now and wait for it",
  status: "Check rclone, the config, the remote and credentials; then the state, last cycle, next run",
  log: "Show the event history as a timeline",
  list: "List the files on the remote",
  backup: "Encrypted backups: now, list, verify, restore, status",
  viz: "Draw the statechart (mermaid, dot, svg), or a live page",
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
        process.env[commandEnvVar] = openclawCommand;
        // The CLI's command tree loads on use: registration (in every `openclaw` process) never parses it.
        // SIGINT/SIGTERM stop every rclone the command started (`authorize`'s listener on 53682 included).
        const { runCliInterruptible } = await import("../cli/interrupt.js");
        process.exitCode = await runCliInterruptible(
          withDefaultWorkspace([name, ...rawArgsOf(actionArgs)], workspaceDir),
        );
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
