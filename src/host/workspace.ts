/**
 * One workspace brought to life: its paths, its remote written into the project's rclone config,
 * its cycle lock, its event log, and its statechart running as a logged actor.
 */
import { randomUUID } from "node:crypto";
import type { AnyMachineSnapshot } from "xstate";
import { type MailboxContext, mailboxMachine } from "../../machines/mailbox.js";
import type { SyncRequestInput } from "../../machines/requests.js";
import type { SyncConfig } from "../config/schema.js";
import { EventLog } from "../log/event-log.js";
import { mailboxEffects } from "../mailbox/effects.js";
import { rcloneConfigPath, type WorkspacePaths, workspacePaths } from "../paths.js";
import { providerFor } from "../providers/index.js";
import { writeRcloneConfig } from "../rclone/config-file.js";
import { remoteSpec } from "../rclone/remote.js";
import { createRedactor, type Redact } from "../util/errors.js";
import { CycleLock } from "../workspace/cycle-lock.js";
import { ActorHost } from "./actor-host.js";
import { InFlight } from "./effect.js";
import { rcloneRunner } from "./rclone-context.js";

export interface WorkspaceOptions {
  config: SyncConfig;
  stateDir: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  rcloneBinary: string;
  now?: () => number;
  onWarning?: (message: string) => void;
}

export type CycleVerdict = "done" | "failed" | "retrying";

export interface WorkspaceHandle {
  host: ActorHost;
  paths: WorkspacePaths;
  remoteRoot: string;
  redact: Redact;
  /** Send a sync request and resolve when the cycle serving it has ended (or is waiting to retry). */
  requestSync(
    input: Omit<SyncRequestInput, "requestId">,
  ): Promise<{ verdict: CycleVerdict; snapshot: AnyMachineSnapshot }>;
  stop(): Promise<void>;
}

export class UnsupportedModeError extends Error {
  override readonly name = "UnsupportedModeError";
}

/** Where the cycle serving `requestId` stands in this snapshot, or null while it is still to come. */
export function verdictFor(snapshot: AnyMachineSnapshot, requestId: string): CycleVerdict | null {
  const context = snapshot.context as MailboxContext;
  if (snapshot.matches("running") || context.pending?.requestIds.includes(requestId)) return null;
  const served = [context.lastCycle, context.lastDryRun].some((c) =>
    c?.request.requestIds.includes(requestId),
  );
  if (snapshot.matches("idle") && served) return "done";
  if (context.current?.requestIds.includes(requestId)) {
    if (snapshot.matches("failed")) return "failed";
    if (snapshot.matches("recovering")) return "retrying";
  }
  return served ? "done" : null;
}

export async function startWorkspace(options: WorkspaceOptions): Promise<WorkspaceHandle> {
  const { config, stateDir, workspace, env } = options;
  const now = options.now ?? Date.now;
  if (config.mode !== "mailbox") {
    throw new UnsupportedModeError(
      `\`mode\`: "${config.mode}" is not available in this version yet; use "mailbox"`,
    );
  }
  const provider = providerFor(config);
  const remote = provider.remote({ config, stateDir });
  const redact = createRedactor(remote.secrets);
  const paths = workspacePaths(stateDir, workspace, config.localPath);
  const configPath = rcloneConfigPath(stateDir);
  await remote.prepare?.();
  await writeRcloneConfig(configPath, { [config.remoteName]: remote.section });

  const lock = new CycleLock(paths.cycleLock, stateDir);
  const inFlight = new InFlight();
  const rclone = rcloneRunner(
    { binary: options.rcloneBinary, configPath, timeoutMs: config.timeout * 1000, redact, env },
    lock,
  );
  const remoteRoot = remoteSpec(config.remoteName, config.remotePath);
  const effects = mailboxEffects({
    paths,
    remoteRoot,
    exclude: config.exclude,
    syncsWorkspaceRoot: config.localPath === "",
    lock,
    rclone,
    now,
    inFlight,
  });
  const machine = mailboxMachine.provide({ actors: effects });
  const log = await EventLog.open({
    dir: paths.logDir,
    redact,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const host = await ActorHost.start({
    machine,
    log,
    started: {
      type: "hostStarted",
      at: now(),
      pid: process.pid,
      retry: {
        attempts: config.retry.attempts,
        baseDelayMs: Math.round(config.retry.delay * 1000),
        maxDelayMs: Math.round(config.retry.maxDelay * 1000),
      },
    },
    settle: () => inFlight.idle(),
  });

  return {
    host,
    paths,
    remoteRoot,
    redact,
    async requestSync(input) {
      const requestId = randomUUID();
      host.send({ type: "syncRequested", at: now(), requestId, ...input });
      const snapshot = await host.until((s) => verdictFor(s, requestId) !== null);
      return { verdict: verdictFor(snapshot, requestId) ?? "failed", snapshot };
    },
    async stop() {
      await host.stop({ type: "hostStopped", at: now(), pid: process.pid });
      await log.close();
    },
  };
}
