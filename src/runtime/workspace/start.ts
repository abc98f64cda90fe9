/**
 * One workspace brought to life: its paths, its remote written into the project's rclone config,
 * its cycle lock, its event log, and its mode's statechart running as a logged actor. The one entry
 * for every mode.
 */
import { randomUUID } from "node:crypto";
import type { AnyMachineSnapshot } from "xstate";
import type { BisyncCycleRecord } from "../../../machines/bisync.js";
import type { CycleState } from "../../../machines/cycle.js";
import type { MailboxCycleRecord } from "../../../machines/mailbox.js";
import type { MirrorCycleRecord } from "../../../machines/mirror.js";
import type { SyncRequestInput } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import { InFlight } from "../../effects/actors.js";
import { CycleLock } from "../../effects/cycle-lock.js";
import { rcloneRunner } from "../../effects/rclone-runner.js";
import { prepareRemote } from "../../effects/remote.js";
import { EventLog } from "../../log/event-log.js";
import { modeFor } from "../../modes/index.js";
import { type WorkspacePaths, workspacePaths } from "../../paths.js";
import { capabilitiesOf } from "../../rclone/capabilities.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import type { Redact } from "../../util/errors.js";
import { ActorHost } from "../logged-actor.js";

export interface WorkspaceOptions {
  config: SyncConfig;
  stateDir: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  rcloneBinary: string;
  /** `rclone version`'s first line, read once per host process, recorded in `hostStarted`. */
  rcloneVersion?: string;
  now?: () => number;
  onWarning?: (message: string) => void;
}

export type CycleVerdict = "done" | "failed" | "retrying";

export interface WorkspaceHandle {
  host: ActorHost;
  paths: WorkspacePaths;
  remoteRoot: string;
  redact: Redact;
  /** Live rclone progress of the runs from now on (their stats flags are added while someone listens). */
  watchProgress(listener: (progress: RcloneProgress) => void): () => void;
  /** Send a sync request and resolve when the cycle serving it has ended (or is waiting to retry). */
  requestSync(input: Omit<SyncRequestInput, "requestId">): Promise<SyncAnswer>;
  stop(): Promise<void>;
}

/** A finished cycle, as each mode records it. */
export type CycleRecord = MailboxCycleRecord | MirrorCycleRecord | BisyncCycleRecord;

/** What every mode's context has: the shared cycle state and its last cycles. */
export type AnyCycleContext = CycleState & { lastCycle: CycleRecord | null; lastDryRun: CycleRecord | null };

export interface SyncAnswer {
  verdict: CycleVerdict;
  snapshot: AnyMachineSnapshot;
  /** The cycle that served the request (a dry run merged into a real request is served by a real cycle). */
  cycle: CycleRecord | null;
}

export class UnsupportedModeError extends Error {
  override readonly name = "UnsupportedModeError";
}

/**
 * Where the cycle serving `requestId` stands in this snapshot, or null while it is still to come.
 * A served request is recognised even when a coalesced follow-up cycle already runs.
 */
export function verdictFor(snapshot: AnyMachineSnapshot, requestId: string): CycleVerdict | null {
  const context = snapshot.context as AnyCycleContext;
  if (context.pending?.requestIds.includes(requestId)) return null;
  if (context.current?.requestIds.includes(requestId)) {
    // A halt (a deletion guard) and a needed resync wait for a person: the request failed.
    if (snapshot.matches("failed") || snapshot.matches("halted") || snapshot.matches("needsResync")) {
      return "failed";
    }
    if (snapshot.matches("recovering")) return "retrying";
    return null;
  }
  const served = [context.lastCycle, context.lastDryRun].some((c) =>
    c?.request.requestIds.includes(requestId),
  );
  return served ? "done" : null;
}

export async function startWorkspace(options: WorkspaceOptions): Promise<WorkspaceHandle> {
  const { config, stateDir, workspace, env } = options;
  const now = options.now ?? Date.now;
  const mode = modeFor(config.mode);
  const { configPath, remoteRoot, redact } = await prepareRemote(config, stateDir);
  const paths = workspacePaths(stateDir, workspace, config.localPath, config.mode);

  const lock = new CycleLock(paths.cycleLock, stateDir);
  const inFlight = new InFlight();
  const progressListeners = new Set<(progress: RcloneProgress) => void>();
  const progress = () =>
    progressListeners.size === 0
      ? undefined
      : (update: RcloneProgress) => {
          for (const listener of progressListeners) listener(update);
        };
  const rclone = rcloneRunner(
    {
      binary: options.rcloneBinary,
      configPath,
      timeoutMs: config.timeout * 1000,
      redact,
      env,
      progress,
      // Symlinks travel as `<name>.rclonelink` files holding their target, and come back as symlinks; they
      // are never followed (a link may point outside the workspace). Without it rclone skips them.
      globalArgs: config.copySymlinks ? ["--links"] : [],
    },
    lock,
  );
  const caps = capabilitiesOf(options.rcloneVersion);
  const built = mode.build({ config, paths, remoteRoot, caps, lock, rclone, now, inFlight });
  const log = await EventLog.open({
    dir: paths.logDir,
    redact,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const host = await ActorHost.start({
    machine: built.machine,
    log,
    started: {
      ...built.started,
      type: "hostStarted",
      at: now(),
      pid: process.pid,
      ...(options.rcloneVersion ? { rclone: options.rcloneVersion } : {}),
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
    watchProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    async requestSync(input) {
      const requestId = randomUUID();
      host.send({ type: "syncRequested", at: now(), requestId, ...input });
      const snapshot = await host.until((s) => verdictFor(s, requestId) !== null);
      const context = snapshot.context as AnyCycleContext;
      const cycle =
        [context.lastCycle, context.lastDryRun].find((c) => c?.request.requestIds.includes(requestId)) ??
        null;
      return { verdict: verdictFor(snapshot, requestId) ?? "failed", snapshot, cycle };
    },
    async stop() {
      await host.stop({ type: "hostStopped", at: now(), pid: process.pid });
      await log.close();
    },
  };
}
