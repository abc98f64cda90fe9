/**
 * Chat commands, answered by the plugin without a model turn (`api.registerCommand`): `/sync` (one cycle
 * now; the reply comes when it ends), `/sync status`, `/sync confirm`, `/backup now`, `/backup list`.
 * They only send requests to the running host (over its socket, wherever it runs) or read the backup
 * remote; they never start a host of their own. Replies are short plain text naming the next step.
 */
import type { LoadedConfig } from "../config/load.js";
import { HostClient } from "../ipc/client.js";
import type { SendResult } from "../ipc/protocol.js";
import { backupUnitId } from "../runtime/backup/ids.js";
import type { StatusReport } from "../runtime/workspace/status.js";
import { messageOf } from "../util/errors.js";
import { failureLine } from "../util/text.js";
import type { CommandContext, CommandDefinition, CommandResult } from "./api-session.js";
import { backupListReply, backupReply, statusReply, syncReply } from "./replies.js";

export interface ChatCommandInputs {
  /** The plugin config, or null when it is missing or invalid. */
  config(): LoadedConfig | null;
  /** Our state directory (where the host's socket is). */
  stateDir(): string;
  /** The workspace a command without an agent acts on; `workspaceFor` maps an agent to its own. */
  workspaceFor(agentId: string | undefined): string;
  /** Why real cycles are held (a config change moved the sync), or null when they are not. */
  held?(): string | null;
  /** `/sync confirm`: release held real cycles; says what it did. */
  confirm?(): Promise<string>;
}

const notRunning =
  "workspace-sync is not running in this gateway, so nothing was asked. Next: check the gateway log for `workspace-sync`, or run `openclaw workspace-sync status`.";
const badConfig =
  "workspace-sync has no valid config, so nothing runs. Next: fix plugins.entries.openclaw-workspace-sync.config (the gateway log names the key).";

const reply = (text: string): CommandResult => ({ text });

/** Ask the running host; a plain reply when none runs or it refuses. */
async function withHost(stateDir: string, use: (client: HostClient) => Promise<string>): Promise<string> {
  const client = await HostClient.connect(stateDir).catch(() => null);
  if (client === null) return notRunning;
  try {
    return await use(client);
  } catch (error) {
    return `workspace-sync could not do it: ${messageOf(error)}. Next: /sync status, or the gateway log.`;
  } finally {
    client.close();
  }
}

export function syncCommand(inputs: ChatCommandInputs): CommandDefinition {
  return {
    name: "sync",
    description: "Workspace sync: /sync runs one cycle now; /sync status; /sync confirm",
    acceptsArgs: true,
    handler: async (ctx: CommandContext) => {
      const loaded = inputs.config();
      if (loaded === null) return reply(badConfig);
      const workspace = inputs.workspaceFor(ctx.agentId);
      const sub = (ctx.args ?? "").trim().toLowerCase();
      if (sub === "status") {
        return reply(
          await withHost(inputs.stateDir(), async (client) =>
            statusReply(await client.call<StatusReport>({ op: "status", workspace })),
          ),
        );
      }
      if (sub === "confirm") return reply((await inputs.confirm?.()) ?? "Nothing waits for confirmation.");
      if (sub !== "") return reply(`Unknown: /sync ${sub}. Use /sync, /sync status or /sync confirm.`);
      const held = inputs.held?.() ?? null;
      if (held !== null) return reply(held);
      return reply(
        await withHost(inputs.stateDir(), async (client) => {
          const answer = await client.call<SendResult>({
            op: "send",
            workspace,
            event: { type: "syncRequested", source: "cli" },
            wait: true,
          });
          return syncReply(answer, loaded.sync.mode);
        }),
      );
    },
  };
}

export function backupCommand(inputs: ChatCommandInputs): CommandDefinition {
  return {
    name: "backup",
    description: "Workspace backups: /backup now, /backup list",
    acceptsArgs: true,
    handler: async (ctx: CommandContext) => {
      const loaded = inputs.config();
      if (loaded === null) return reply(badConfig);
      if (loaded.backupError !== null) return reply(`Backups are off: ${loaded.backupError}`);
      if (loaded.backup === null)
        return reply(
          `Backups are not set up. Next: add a \`backup\` block to the plugin config, e.g. { "enabled": true, "passphrase": "\${BACKUP_PASSPHRASE}" }.`,
        );
      const sub = (ctx.args ?? "").trim().toLowerCase();
      if (sub === "now") {
        return reply(
          await withHost(inputs.stateDir(), async (client) =>
            backupReply(
              await client.call<SendResult>({
                op: "send",
                unit: backupUnitId,
                event: { type: "backupRequested", source: "cli" },
                wait: true,
              }),
            ),
          ),
        );
      }
      if (sub === "list" || sub === "") return reply(await listBackups(inputs, loaded, ctx.agentId));
      return reply(`Unknown: /backup ${sub}. Use /backup now or /backup list.`);
    },
  };
}

async function listBackups(
  inputs: ChatCommandInputs,
  loaded: LoadedConfig,
  agentId?: string,
): Promise<string> {
  try {
    // The backup runtime (age, tar, the catalog) loads on use: registration, in every `openclaw` process
    // that loads the plugin, never parses it.
    const [{ readOnlyBackupRuntime }, { readCatalog }] = await Promise.all([
      import("../cli/backup-context.js"),
      import("../backup/catalog.js"),
    ]);
    const runtime = await readOnlyBackupRuntime({
      loaded,
      stateDir: inputs.stateDir(),
      workspace: inputs.workspaceFor(agentId),
    });
    const read = await readCatalog(runtime.ops);
    if (!read.ok)
      return `Could not list backups: ${failureLine(read.failure)}. Next: check the backup remote, then /backup list again.`;
    return backupListReply(runtime.ops.remote.root, read.catalog.snapshots);
  } catch (error) {
    return `Could not list backups: ${messageOf(error)}. Next: check the backup config.`;
  }
}

/** Register the chat commands on hosts that have `registerCommand`. */
export function registerChatCommands(
  register: ((command: CommandDefinition) => void) | undefined,
  inputs: ChatCommandInputs,
): void {
  if (typeof register !== "function") return;
  register(syncCommand(inputs));
  register(backupCommand(inputs));
}
