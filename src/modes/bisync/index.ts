/** Bisync mode: two-way `rclone bisync`, path1 = the remote, path2 = the workspace. */
import { bisyncMachine } from "../../../machines/bisync.js";
import type { Mode } from "../types.js";
import { bisyncEffects } from "./effects.js";

export const bisyncMode: Mode = {
  name: "bisync",
  machine: bisyncMachine,
  build: (runtime) => {
    const { config } = runtime;
    const effects = bisyncEffects({
      settings: {
        remoteRoot: runtime.remoteRoot,
        localDir: runtime.paths.localDir,
        workdir: runtime.paths.bisyncDir,
        maxDelete: config.maxDelete,
        conflictResolve: config.conflictResolve,
      },
      exclude: config.exclude,
      syncsWorkspaceRoot: config.localPath === "",
      caps: runtime.caps,
      lock: runtime.lock,
      rclone: runtime.rclone,
      now: runtime.now,
      inFlight: runtime.inFlight,
    });
    return { machine: bisyncMachine.provide({ actors: effects }), started: {} };
  },
};
