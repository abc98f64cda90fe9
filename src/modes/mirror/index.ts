/** Mirror mode: the workspace follows the remote; optionally an ingest folder goes up, additively. */
import { type MirrorMachine, mirrorMachine } from "../../../machines/mirror.js";
import { stepLines } from "../steps.js";
import type { Mode } from "../types.js";
import { mirrorEffects } from "./effects.js";

export const mirrorMode: Mode<MirrorMachine> = {
  name: "mirror",
  machine: mirrorMachine,
  syncContext: (context) => context,
  build: (kit) => ({
    machine: mirrorMachine.provide({ actors: mirrorEffects(kit) }),
    started: { ingest: kit.config.ingest },
  }),
  cycleLines(cycle) {
    const dry = cycle.request.dryRun;
    return [
      ...stepLines("ingest", cycle.ingest, dry),
      ...stepLines("pull", cycle.pull, dry),
      ...stepLines("push", cycle.push, dry),
    ];
  },
  lastCycleLines: () => [],
  conflicts: () => [],
  resyncNeeded: () => null,
  totals: () => ({ arrivals: 0, conflicts: 0 }),
  arrivals: () => [],
  eventDetail: () => null,
};
