import { defineCommand } from "citty";
import { createConsola } from "consola";
import { Host } from "../../daemon/host.js";
import { eventDetail, inDryRun } from "../../runtime/event-detail.js";
import { retryNote } from "../../runtime/retry-note.js";
import { stateName } from "../../util/state-name.js";
import { commonArgs, resolveScope } from "../context.js";
import { createOutput } from "../output.js";

export const daemonCommand = defineCommand({
  meta: {
    name: "daemon",
    description: "Run the host in the foreground (timers, hooks, CLI requests) until SIGINT or SIGTERM",
  },
  args: { ...commonArgs },
  async run({ args }) {
    const out = createOutput();
    const resolved = await resolveScope(args, out);
    // An explicit level: consola is silent by default where it detects a test runner in the environment.
    const log = createConsola({ level: 3, stdout: process.stderr, stderr: process.stderr }).withTag(
      "workspace-sync",
    );
    const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", resolve).once("SIGTERM", resolve);
    });
    const host = await Host.start({
      stateDir: resolved.stateDir,
      config: resolved.loaded,
      workspaces: [resolved.workspace],
      command: "workspace-sync daemon",
      logger: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
      onTransition: (unit, event, state, context) => {
        const detail = eventDetail(event, inDryRun(event, context));
        const line = `${unit.label}: ${event.type}${detail ? ` (${detail})` : ""} → ${stateName(state)}`;
        // A failure says what follows it: when the retry runs, or that none will.
        const note = retryNote(event, state, context, Date.now());
        if (note === null) log.info(line);
        else log.warn(`${line}; ${note}`);
      },
    });
    for (const unit of host.units())
      log.info(`serving ${unit.info.kind} ${unit.info.label} (${unit.info.id})`);
    log.success(`host ready, pid ${process.pid}, socket ${host.socketPath}`);
    const signal = await stopSignal;
    log.info(`${signal}: stopping (a running rclone is stopped; its cycle resumes on the next start)`);
    await host.stop();
    log.success("stopped");
  },
});
