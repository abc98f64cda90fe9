/** The sync modes, one folder each. `mode` in the config picks one. */
import type { AnyStateMachine } from "xstate";
import { bisyncMode } from "./bisync/index.js";
import { mailboxMode } from "./mailbox/index.js";
import { mirrorMode } from "./mirror/index.js";
import type { CycleBase, LoggedEvent, Mode, ModeName } from "./types.js";

/** Runs `use` with the mode `name` picks, keeping that mode's machine types inside `use`. */
export function useMode<R>(
  name: ModeName,
  use: <M extends AnyStateMachine, C extends CycleBase>(mode: Mode<M, C>) => R,
): R {
  switch (name) {
    case "mailbox":
      return use(mailboxMode);
    case "mirror":
      return use(mirrorMode);
    case "bisync":
      return use(bisyncMode);
  }
}

/** The machine of a mode (for the diagrams and the live page, which read any machine the same way). */
export function machineOf(name: ModeName): AnyStateMachine {
  return useMode(name, (mode) => mode.machine);
}

/** What a logged event of any mode says beyond its type (each event type belongs to one mode). */
export function modeEventDetail(event: LoggedEvent, dryRun = false): string | null {
  return (
    mailboxMode.eventDetail(event, dryRun) ??
    bisyncMode.eventDetail(event, dryRun) ??
    mirrorMode.eventDetail(event, dryRun)
  );
}
