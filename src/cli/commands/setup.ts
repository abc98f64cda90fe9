/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` is the config's environment reference, shown to people */
import { readFile } from "node:fs/promises";
import { defineCommand } from "citty";
import { ConfigError } from "../../config/load.js";
import { modes } from "../../config/schema.js";
import { configFileOf, stateDirOf, workspaceOf } from "../../paths.js";
import type { ProviderName } from "../../providers/blocks.js";
import { providerNames } from "../../providers/blocks.js";
import type { Answers, Mode } from "../../setup/answers.js";
import { parseOptions } from "../../setup/ask.js";
import { SetupCancelled, terminalPrompter } from "../../setup/prompter.js";
import { runSetup, SetupError } from "../../setup/run.js";
import { messageOf } from "../../util/errors.js";
import { isOneOf } from "../../util/json.js";
import { commonArgs } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput } from "../output.js";

const usage = (message: string) => new CliError(message, ExitCode.usage);

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (isOneOf(allowed, value)) return value;
  throw usage(`--${flag} must be one of: ${allowed.join(", ")} (got "${value}")`);
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usage(`--${flag} must be a whole number of seconds (got "${value}")`);
  return Number(value);
}

async function tokenArg(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (value === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString("utf8");
  }
  return value.startsWith("@") ? readFile(value.slice(1), "utf8") : value;
}

const flags = {
  provider: { type: "string", description: "local, dropbox, gdrive, onedrive, s3 or custom" },
  mode: { type: "string", description: "mailbox (safest), mirror or bisync" },
  "remote-path": { type: "string", description: 'folder on the remote (default "openclaw-share")' },
  "local-path": { type: "string", description: 'folder in the workspace to sync (default "shared")' },
  interval: { type: "string", description: "background sync every N seconds (0 = none)", valueHint: "N" },
  "on-session-start": { type: "boolean", description: "sync when an agent session starts" },
  "on-session-end": { type: "boolean", description: "sync when an agent session ends" },
  "local-dir": { type: "string", description: "local: the folder acting as the cloud", valueHint: "DIR" },
  "s3-bucket": { type: "string", description: "s3: bucket (files go to <bucket>/<remote path>)" },
  "s3-endpoint": { type: "string", description: "s3: endpoint URL (not for AWS)" },
  "s3-region": { type: "string", description: "s3: region" },
  "s3-access-key-id": { type: "string", description: "s3: access key id (or ${VAR})" },
  "s3-secret-access-key": { type: "string", description: "s3: secret access key (better: ${VAR})" },
  "dropbox-app-folder": { type: "boolean", description: "dropbox: your own App-folder app" },
  "app-key": { type: "string", description: "dropbox: your app's key" },
  "app-secret": { type: "string", description: "dropbox: your app's secret" },
  "custom-type": { type: "string", description: "custom: rclone backend type (sftp, webdav, b2, ...)" },
  "custom-options": { type: "string", description: "custom: rclone options as key=value,key=value" },
  token: { type: "string", description: "OAuth: token JSON from rclone authorize (`-` stdin, @FILE)" },
  authorize: {
    type: "string",
    description: "OAuth: browser (authorize now) or later",
    valueHint: "browser|later",
  },
  print: { type: "boolean", description: "print the openclaw.json snippet instead of writing it" },
  "first-run": {
    type: "boolean",
    description: "end with a dry run of the first sync (--no-first-run: don't)",
  },
  "non-interactive": { type: "boolean", description: "never prompt, even in a terminal" },
  yes: {
    type: "boolean",
    alias: "y",
    description:
      "unattended: never prompt; each answer from its flag or its default; writes the config and dry-runs the first sync (unless --print, --no-first-run); a missing answer is refused, naming its flag",
  },
} as const;

export const setupCommand = defineCommand({
  meta: {
    name: "setup",
    description: "Interactive setup: provider, mode, paths, schedule, credentials; writes the plugin config",
  },
  args: { ...commonArgs, ...flags },
  async run({ args }) {
    const out = createOutput();
    const env = process.env;
    const token = await tokenArg(args.token);
    const customOptions = args["custom-options"];
    let rcloneOptions: Record<string, string> | undefined;
    try {
      rcloneOptions = customOptions === undefined ? undefined : parseOptions(customOptions);
    } catch (error) {
      throw usage(`--custom-options: ${messageOf(error)}`);
    }
    const answers: Answers = {
      provider: oneOf<ProviderName>("provider", args.provider, providerNames),
      mode: oneOf<Mode>("mode", args.mode, modes),
      remotePath: args["remote-path"],
      localPath: args["local-path"],
      interval: wholeNumber("interval", args.interval),
      onSessionStart: args["on-session-start"],
      onSessionEnd: args["on-session-end"],
      localDir: args["local-dir"],
      s3: {
        bucket: args["s3-bucket"],
        endpoint: args["s3-endpoint"],
        region: args["s3-region"],
        accessKeyId: args["s3-access-key-id"],
        secretAccessKey: args["s3-secret-access-key"],
      },
      dropbox: {
        appFolder: args["dropbox-app-folder"],
        appKey: args["app-key"],
        appSecret: args["app-secret"],
      },
      custom: { rcloneType: args["custom-type"], rcloneOptions },
      auth: token !== undefined ? "paste" : oneOf("authorize", args.authorize, ["browser", "later"] as const),
      token,
    };
    const unattended = args.yes === true;
    const interactive =
      !unattended &&
      !args["non-interactive"] &&
      process.stdin.isTTY === true &&
      process.stdout.isTTY === true;
    const inputs = { env, config: args.config, workspace: args.workspace, stateDir: args["state-dir"] };
    try {
      await runSetup({
        answers,
        prompter: interactive ? terminalPrompter() : null,
        unattended,
        target: configFileOf(inputs),
        // `--yes` takes each question's default: write the config, then the first dry run.
        print: args.print ?? (unattended ? false : undefined),
        firstRun: args["first-run"] ?? (unattended ? true : undefined),
        stateDir: stateDirOf(inputs),
        workspace: workspaceOf(inputs),
        env,
        out,
      });
    } catch (error) {
      if (error instanceof SetupCancelled) throw new CliError(error.message, ExitCode.failed);
      if (error instanceof SetupError)
        throw new CliError(error.message, error.usage ? ExitCode.usage : ExitCode.failed);
      if (error instanceof ConfigError)
        throw new CliError(`setup: ${error.message}; nothing was written`, ExitCode.usage);
      throw error;
    }
  },
});
