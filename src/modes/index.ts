/** The sync modes, one folder each. `mode` in the config picks one. */
import type { SyncConfig } from "../config/schema.js";
import { bisyncMode } from "./bisync/index.js";
import { mailboxMode } from "./mailbox/index.js";
import { mirrorMode } from "./mirror/index.js";
import type { Mode } from "./types.js";

export type { Mode, ModeRuntime } from "./types.js";

const modes: Readonly<Record<SyncConfig["mode"], Mode>> = {
  mailbox: mailboxMode,
  mirror: mirrorMode,
  bisync: bisyncMode,
};

export function modeFor(mode: SyncConfig["mode"]): Mode {
  return modes[mode];
}
