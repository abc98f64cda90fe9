/** A workspace unit's answer, read with its mode's types. */
import type { AnyStateMachine, ContextFrom } from "xstate";
import type { CycleBase, Mode } from "../modes/types.js";
import type { Answer } from "./unit.js";

export function modeAnswer<TMachine extends AnyStateMachine, TCycle extends CycleBase>(
  _mode: Mode<TMachine, TCycle>,
  answer: Answer,
): Answer<ContextFrom<TMachine>, TCycle> {
  // cast: a workspace unit runs its config's mode, so its answer carries that machine's context and cycle
  // record (as JSON-safe copies: the same fields); the socket speaks one protocol version to one tool version.
  return answer as Answer<ContextFrom<TMachine>, TCycle>;
}
