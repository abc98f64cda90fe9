/**
 * How the person runs this tool where they are: `workspace-sync` (the standalone CLI), or
 * `openclaw workspace-sync` inside OpenClaw (the plugin sets `WORKSPACE_SYNC_COMMAND` in the processes it
 * runs in). Every hint that names a command builds it here, so it is runnable as printed.
 */
export const commandEnvVar = "WORKSPACE_SYNC_COMMAND";

export function commandName(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[commandEnvVar]?.trim();
  return named ? named : "workspace-sync";
}

/** `<command> <args>`, e.g. runnable("authorize --provider gdrive"). */
export function runnable(args: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${commandName(env)} ${args}`;
}
