/** Mirror mode: the workspace follows the remote; optionally an ingest folder goes up, additively. */
import { mirrorMachine } from "../../../machines/mirror.js";
import type { Mode } from "../types.js";
import { mirrorEffects } from "./effects.js";

export const mirrorMode: Mode = {
  name: "mirror",
  machine: mirrorMachine,
  build: (runtime) => {
    const { config } = runtime;
    const effects = mirrorEffects({
      localDir: runtime.paths.localDir,
      remoteRoot: runtime.remoteRoot,
      exclude: config.exclude,
      syncsWorkspaceRoot: config.localPath === "",
      ingestPath: config.ingest ? config.ingestPath.replace(/^\.?\/+|\/+$/g, "") : null,
      maxDelete: config.maxDelete,
      lock: runtime.lock,
      rclone: runtime.rclone,
      now: runtime.now,
      inFlight: runtime.inFlight,
    });
    return { machine: mirrorMachine.provide({ actors: effects }), started: { ingest: config.ingest } };
  },
};
