/** Mailbox mode: push the workspace up, drain the remote `_outbox` into `_inbox`. */
import { mailboxMachine } from "../../../machines/mailbox.js";
import type { Mode } from "../types.js";
import { mailboxEffects } from "./effects.js";

export const mailboxMode: Mode = {
  name: "mailbox",
  machine: mailboxMachine,
  build: (runtime) => ({
    machine: mailboxMachine.provide({
      actors: mailboxEffects({
        paths: runtime.paths,
        remoteRoot: runtime.remoteRoot,
        exclude: runtime.config.exclude,
        syncsWorkspaceRoot: runtime.config.localPath === "",
        maxDelete: runtime.config.maxDelete,
        lock: runtime.lock,
        rclone: runtime.rclone,
        now: runtime.now,
        inFlight: runtime.inFlight,
      }),
    }),
    started: {},
  }),
};
