/**
 * The setup wizard, start to end: rclone present (or its install command offered), every answer
 * (asked, or from flags), the config checked by the one schema, credentials (authorize), the plugin
 * entry written (old file kept as a backup) or printed, and a first dry run.
 */
import { execa } from "execa";
import { authorize } from "../authorize/flow.js";
import { parseConfig } from "../config/load.js";
import { installHint, onPath } from "../diagnose/effects.js";
import { rcloneInstallCommand } from "../diagnose/features.js";
import { rcloneBackendsCachePath } from "../paths.js";
import { unknownBackendProblem } from "../providers/custom/index.js";
import { rcloneBackends } from "../rclone/backends.js";
import { findRclone } from "../rclone/binary.js";
import { runnable } from "../util/command.js";
import type { Printer } from "../util/printer.js";
import { type Answers, missingFlags, oauthProviders, pluginConfigOf } from "./answers.js";
import { askMissing } from "./ask.js";
import { firstDryRun } from "./first-run.js";
import type { Prompter } from "./prompter.js";
import { pluginSnippet, rewritesJson5, writePluginConfig } from "./write-config.js";

export class SetupError extends Error {
  override readonly name = "SetupError";
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

export interface SetupOptions {
  answers: Answers;
  /** Null without a terminal (or with `--yes`): then every answer without a default must come as a flag. */
  prompter: Prompter | null;
  /** `--yes`: nothing is asked even in a terminal (said when an answer is missing). */
  unattended?: boolean | undefined;
  /** The config file to write the plugin entry into. */
  target: string;
  /** Print the snippet instead of writing (undefined: ask, or write when not asking). */
  print?: boolean | undefined;
  /** Run a dry run at the end (undefined: ask, or skip when not asking). */
  firstRun?: boolean | undefined;
  stateDir: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  out: Printer;
}

async function ensureRclone(options: SetupOptions): Promise<string> {
  try {
    return await findRclone({ env: options.env });
  } catch {
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    const command = rcloneInstallCommand(process.platform, (c) => onPath(c, options.env), root);
    const runnable = /^(sudo |)(apt-get|dnf|pacman|zypper|apk|brew|port|winget|choco) /.test(command);
    if (!options.prompter || !runnable)
      throw new SetupError(`rclone is not installed: ${installHint(options.env)}`);
    const install = await options.prompter.confirm(`rclone is not installed. Run \`${command}\` now?`, true);
    if (!install) throw new SetupError(`rclone is needed: ${command}`);
    const [program, ...args] = command.split(" ");
    await execa(program ?? "", args, { stdio: "inherit", reject: false });
    return findRclone({ env: options.env });
  }
}

export async function runSetup(options: SetupOptions): Promise<void> {
  const { answers, prompter, out } = options;
  prompter?.intro(
    `${runnable("setup")}: sync this agent's workspace with your cloud (Ctrl-C stops, nothing written)`,
  );
  const binary = await ensureRclone(options);
  if (prompter) {
    await askMissing(answers, prompter);
  } else {
    const missing = missingFlags(answers);
    if (missing.length > 0) {
      throw new SetupError(
        `${options.unattended === true ? "--yes asks nothing" : "no terminal to ask in"}, so these answers must come as flags: ${missing.join(", ")}`,
        true,
      );
    }
  }
  const pluginConfig = pluginConfigOf(answers);
  // The one schema decides: a bad answer is refused with its key, before anything is written.
  const loaded = parseConfig(pluginConfig, "setup", options.env);
  for (const warning of loaded.warnings) out.warn(warning);
  const custom = loaded.sync.provider === "custom" ? loaded.sync.custom : undefined;
  if (custom !== undefined) {
    // The installed rclone decides which backend names exist: a typo is refused before anything is written.
    const cacheFile = rcloneBackendsCachePath(options.stateDir);
    const listed = await rcloneBackends(binary, { env: options.env, cacheFile });
    const problem =
      listed &&
      unknownBackendProblem(
        custom.rcloneType,
        listed.backends,
        `the rclone at ${binary}`,
        `${loaded.syncPrefix}custom.rcloneType`,
      );
    if (problem) throw new SetupError(problem, true);
  }

  const oauth = answers.provider !== undefined && oauthProviders.includes(answers.provider);
  if (oauth && (answers.auth === "browser" || answers.auth === "paste")) {
    const outcome = await authorize({
      config: loaded.sync,
      stateDir: options.stateDir,
      binary,
      env: options.env,
      io: { line: (t) => out.line(t), warn: (t) => out.warn(t) },
      pasted: answers.auth === "paste" ? answers.token : undefined,
    });
    out.line(
      `✔ ${outcome.provider} authorized: the token is in ${outcome.configPath} (0600), not in the config`,
    );
  } else if (oauth) {
    out.line(
      `Credentials later: run \`${runnable(`authorize --provider ${answers.provider}`)}\` before the first sync.`,
    );
  }

  const json5 = await rewritesJson5(options.target, pluginConfig);
  if (json5) {
    out.line(
      `${options.target} holds comments or JSON5 syntax the plugin entry cannot be edited into in place: writing the config rewrites it as plain JSON, which drops them (the old file is kept as a .bak copy)`,
    );
  }
  const print =
    options.print ??
    (prompter
      ? (await prompter.select(
          "Save the config",
          [
            {
              value: "write",
              label: `Write it into ${options.target}`,
              hint: json5
                ? "rewritten as plain JSON, its comments dropped; the old file is kept as a .bak copy"
                : "the old file is kept as a .bak copy",
            },
            { value: "print", label: "Print the snippet", hint: "to add it yourself" },
          ] as const,
          "write",
        )) === "print"
      : false);
  if (print) {
    out.line(JSON.stringify(pluginSnippet(pluginConfig), null, 2));
    return;
  }
  const written = await writePluginConfig(options.target, pluginConfig);
  out.line(
    `✔ config written to ${written.file} (${written.form})${written.backup ? `; the old file is kept as ${written.backup}` : ""}`,
  );
  const credentialsLater = oauth && answers.auth === "later";
  const dryRun = credentialsLater
    ? false
    : (options.firstRun ??
      (prompter ? await prompter.confirm("Run a dry run of the first sync now?", true) : false));
  if (dryRun) {
    const resolved = {
      loaded: { ...loaded, source: written.file },
      stateDir: options.stateDir,
      workspace: options.workspace,
    };
    if (!(await firstDryRun(resolved, out, options.env))) {
      throw new SetupError(
        `the config is written, but its first dry run failed (above): fix that, then run \`${runnable("status")}\``,
      );
    }
  }
  out.line(`Next: \`${runnable("status")}\` checks everything; \`${runnable("sync")}\` runs the first sync.`);
}
