import { readFile } from "node:fs/promises";
import { defineCommand } from "citty";
import { authorize } from "../../authorize/flow.js";
import { TokenError } from "../../authorize/token.js";
import { ConfigError, type LoadedConfig, loadConfigFile, parseConfig } from "../../config/load.js";
import { configFileOf, stateDirOf } from "../../paths.js";
import { findRclone } from "../../rclone/binary.js";
import { runnable } from "../../util/command.js";
import { isOneOf } from "../../util/json.js";
import { commonArgs } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput } from "../output.js";

const oauthProviders = ["dropbox", "gdrive", "onedrive"] as const;

function providerOf(value: string | undefined): (typeof oauthProviders)[number] | undefined {
  if (value === undefined || value === "") return undefined;
  if (isOneOf(oauthProviders, value)) return value;
  throw new CliError(
    `--provider must be one of: ${oauthProviders.join(", ")} (got "${value}")`,
    ExitCode.usage,
  );
}

/** The config to authorize for: the file's, or (when there is none yet) the defaults for `--provider`. */
async function configFor(
  file: string,
  provider: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<LoadedConfig> {
  try {
    const loaded = await loadConfigFile(file, env);
    if (provider !== undefined && loaded.sync.provider !== provider) {
      throw new CliError(
        `${file} uses \`provider\` "${loaded.sync.provider}", not "${provider}": change \`provider\` first, or pass --config with another config`,
        ExitCode.usage,
      );
    }
    return loaded;
  } catch (error) {
    const absent = error instanceof ConfigError && /file not found|no `plugins\.entries/.test(error.message);
    if (!absent || provider === undefined) throw error;
    return parseConfig({ mode: "mailbox", provider }, "--provider", env);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

export const authorizeCommand = defineCommand({
  meta: {
    name: "authorize",
    description:
      "Get an OAuth token (Dropbox, Google Drive, OneDrive) and store it in the tool's rclone config",
  },
  args: {
    ...commonArgs,
    provider: { type: "string", description: "dropbox, gdrive or onedrive (default: the config's)" },
    token: {
      type: "string",
      description:
        "a token JSON from `rclone authorize` elsewhere; `-` reads it from stdin, @FILE from a file",
      valueHint: "JSON|-|@FILE",
    },
    "app-key": { type: "string", description: "Dropbox: your app's key (default: dropbox.appKey)" },
    "app-secret": { type: "string", description: "Dropbox: your app's secret (default: dropbox.appSecret)" },
    timeout: { type: "string", description: "seconds to wait for the browser (default 600)", valueHint: "S" },
  },
  async run({ args }) {
    const out = createOutput();
    const env = process.env;
    const inputs = { env, config: args.config, stateDir: args["state-dir"] };
    const provider = providerOf(args.provider);
    const loaded = await configFor(configFileOf(inputs), provider, env);
    for (const warning of loaded.warnings) out.warn(warning);
    const config = structuredClone(loaded.sync);
    if (args["app-key"] || args["app-secret"]) {
      if (config.provider !== "dropbox") throw new CliError("--app-key and --app-secret are for dropbox", 2);
      config.dropbox = { ...config.dropbox, appKey: args["app-key"], appSecret: args["app-secret"] };
    }
    const timeout = args.timeout === undefined ? 600 : Number(args.timeout);
    if (!Number.isInteger(timeout) || timeout < 10) {
      throw new CliError(`--timeout must be a whole number of seconds >= 10 (got "${args.timeout}")`, 2);
    }
    let pasted: string | undefined;
    if (args.token === "-") pasted = await readStdin();
    else if (args.token?.startsWith("@")) pasted = await readFile(args.token.slice(1), "utf8");
    else if (args.token !== undefined) pasted = args.token;
    try {
      const outcome = await authorize({
        config,
        stateDir: stateDirOf(inputs),
        binary: await findRclone({ env }),
        env,
        io: { line: (text) => out.line(text), warn: (text) => out.warn(text) },
        pasted,
        pasteFrom: pasted === undefined && process.stdin.isTTY ? process.stdin : undefined,
        timeoutMs: timeout * 1000,
      });
      const until = outcome.expiry ? ` (access valid until ${outcome.expiry}; rclone renews it)` : "";
      out.line(
        `✔ ${outcome.provider} authorized${until}: stored for remote \`${outcome.remoteName}\` in ${outcome.configPath} (mode 0600)`,
      );
      out.line(
        `Next: \`${runnable("status")}\` checks the remote, \`${runnable("sync --dry-run")}\` shows the first sync.`,
      );
    } catch (error) {
      if (error instanceof TokenError) throw new CliError(`authorize: ${error.message}`);
      throw error;
    }
  },
});
