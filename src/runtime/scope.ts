/** What a command, a report or a one-shot host works on: the loaded config, the state directory, the workspace. */
import type { LoadedConfig } from "../config/load.js";

export interface Scope {
  loaded: LoadedConfig;
  stateDir: string;
  workspace: string;
}
