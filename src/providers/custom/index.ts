/**
 * `custom`: any rclone backend, given as `rcloneType` and its `rcloneOptions` (as rclone's config file
 * spells them; passwords obscured with `rclone obscure`, as rclone expects).
 */
import type { RcloneBackends } from "../../rclone/backends.js";
import { nearest } from "../../util/nearest.js";
import { type Provider, ProviderConfigError } from "../types.js";

/** Options that say where a backend's server is, in the order they are named when it cannot be reached. */
const addressOptions = ["host", "url", "endpoint", "server", "hostname"] as const;

/** Option names whose values are credentials. */
const secretOption = /pass|secret|token|key|credentials|auth/i;

export const customProvider: Provider = {
  name: "custom",
  remote({ config }) {
    const custom = config.custom;
    if (!custom) throw new ProviderConfigError('`custom.rcloneType` is required with `provider: "custom"`');
    const options = custom.rcloneOptions;
    const address = addressOptions.find((name) => options[name] !== undefined && options[name] !== "");
    return {
      ...(address === undefined ? {} : { endpointKey: `custom.rcloneOptions.${address}` }),
      section: { ...options, type: custom.rcloneType },
      secrets: Object.entries(options)
        .filter(([name, value]) => secretOption.test(name) && value !== "")
        .map(([, value]) => value),
      describe: `rclone ${custom.rcloneType} remote`,
    };
  },
};

/**
 * `custom.rcloneType` checked against the backends the installed rclone knows (`version` names it): null when
 * it is one, else the refusal with the nearest name ("did you mean"), the allowed names and the fix. `key` is
 * the key as the config spells it (`sync.custom.rcloneType` in the nested form, `backup.custom.rcloneType`).
 */
export function unknownBackendProblem(
  type: string,
  backends: RcloneBackends,
  version: string,
  key = "custom.rcloneType",
): string | null {
  if (backends.names.includes(type)) return null;
  const near = nearest(type, backends.names);
  return (
    `\`${key}\` "${type}" is not a backend ${version} knows` +
    `${near === null ? "" : ` (did you mean "${near}"?)`}: set \`${key}\` to one of: ` +
    `${backends.prefixes.join(", ")} (\`rclone help backends\` describes each)`
  );
}
