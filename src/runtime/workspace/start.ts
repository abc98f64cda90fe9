/**
 * One workspace brought to life: its paths, its remote written into the project's rclone config,
 * its cycle lock, its event log, and its mode's statechart running as a logged actor. The one entry
 * for every mode.
 */
import { randomUUID } from "node:crypto";
import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine, EventFromLogic } from "xstate";
import type { SyncRequestInput } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import { InFlight } from "../../effects/actors.js";
import { CycleLock } from "../../effects/cycle-lock.js";
import { rcloneRunner } from "../../effects/rclone-runner.js";
import { prepareRemote } from "../../effects/remote.js";
import { followLinks } from "../../effects/symlinks.js";
import { EventLog } from "../../log/event-log.js";
import { useMode } from "../../modes/index.js";
import type { CycleBase, Mode, ModeName, SyncContext } from "../../modes/types.js";
import { type WorkspacePaths, workspacePaths } from "../../paths.js";
import { capabilitiesOf } from "../../rclone/capabilities.js";
import type { RcloneProgress } from "../../rclone/progress.js";
import type { Redact } from "../../util/errors.js";
import { LoggedActor } from "../logged-actor.js";
import type { Verdict } from "../unit.js";
import { verdictFor } from "./verdict.js";
import type { ChangeBatch } from "./watch.js";

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
  /** `sync.` when the config is nested: messages name the keys where they are. */
  keyPrefix?: string;
}

/** What a sync request came to, in the process that runs the workspace. */
export interface SyncOutcome {
  requestId: string;
  verdict: Verdict;
  snapshot: AnyMachineSnapshot;
  /** The cycle that served the request (a dry run merged into a real request is served by a real cycle). */
  cycle: CycleBase | null;
}

export interface WorkspaceHandle {
  actor: LoggedActor;
  mode: ModeName;
  paths: WorkspacePaths;
  remoteRoot: string;
  redact: Redact;
  /** Live rclone progress of the runs from now on (their stats flags are added while someone listens). */
  watchProgress(listener: (progress: RcloneProgress) => void): () => void;
  /** What the host's watcher saw change (the machine decides what runs). */
  sendChanges(batch: ChangeBatch): void;
  /** Whether the remote holds something for the workspace (mailbox: a file in `_outbox`); null: no such look. */
  hasIncoming: ((signal: AbortSignal) => Promise<boolean>) | null;
  /** The exclude patterns the mode adds for its own folders when it syncs the local folder; null: not watched. */
  ownExcludes: string[] | null;
  /** Send a sync request and resolve when the cycle serving it has ended (or is waiting to retry). */
  requestSync(input: SyncRequestInput): Promise<SyncOutcome>;
  /** Files a real cycle just delivered into `_inbox`, from an event the actor processed (the mode says). */
  arrivals(event: AnyEventObject, snapshot: AnyMachineSnapshot): string[];
  stop(): Promise<void>;
}

export class UnsupportedModeError extends Error {
  override readonly name = "UnsupportedModeError";
}

export function startWorkspace(options: WorkspaceOptions): Promise<WorkspaceHandle> {
  return useMode(options.config.mode, (mode) => startMode(mode, options));
}

async function startMode<TMachine extends AnyStateMachine, TCycle extends CycleBase>(
  mode: Mode<TMachine, TCycle>,
  options: WorkspaceOptions,
): Promise<WorkspaceHandle> {
  const { config, stateDir, workspace, env } = options;
  const now = options.now ?? Date.now;
  const { configPath, remoteRoot, redact, endpointKey, imported } = await prepareRemote(config, stateDir, {
    rcloneBinary: options.rcloneBinary,
    rcloneVersion: options.rcloneVersion,
    env,
    keyPrefix: options.keyPrefix,
  });
  if (imported !== null) options.onWarning?.(imported);
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
  const caps = capabilitiesOf(options.rcloneVersion);
  const settings = {
    binary: options.rcloneBinary,
    // rclone 1.69 changed what exit codes 1 and 2 mean: failures are classified by this rclone's meaning.
    exitCodes: caps.exitCodes,
    configPath,
    timeoutMs: config.timeout * 1000,
    redact,
    endpointKey,
    env,
    progress,
    // Symlinks are followed (their content synced), except those leading outside the workspace, into its
    // `.workspace-sync/`, broken or looping: excluded, and listed once a cycle. Without it rclone skips them.
    ...(config.copySymlinks
      ? {
          runArgs: followLinks({
            localDir: paths.localDir,
            workspace: paths.workspace,
            toolDir: paths.toolDir,
            warn: (message) => options.onWarning?.(message),
          }),
        }
      : {}),
  };
  const rclone = rcloneRunner(settings, lock);
  const kit = { config, paths, remoteRoot, caps, lock, rclone, now, inFlight };
  const built = mode.build(kit);
  // A look between cycles (the outbox poll) holds no lock and records no child in it.
  const probeKit = { ...kit, rclone: rcloneRunner({ ...settings, progress: () => undefined }) };
  const hasIncoming = mode.hasIncoming;
  const log = await EventLog.open({
    dir: paths.logDir,
    redact,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const actor = await LoggedActor.start({
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
  const syncSnapshot = (snapshot: AnyMachineSnapshot) => ({
    context: mode.syncContext(snapshot.context),
    matches: (state: string) => snapshot.matches(state),
  });

  return {
    actor,
    mode: mode.name,
    paths,
    remoteRoot,
    redact,
    watchProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    sendChanges(batch) {
      actor.send({ type: "changesSeen", at: now(), ...batch });
    },
    hasIncoming: hasIncoming === undefined ? null : (signal) => hasIncoming(probeKit, signal),
    ownExcludes: mode.ownExcludes?.(paths) ?? null,
    async requestSync(input) {
      const requestId = input.requestId ?? randomUUID();
      actor.send({ type: "syncRequested", at: now(), ...input, requestId });
      const snapshot = await actor.until((s) => verdictFor(syncSnapshot(s), requestId) !== null);
      const context: SyncContext = mode.syncContext(snapshot.context);
      const cycle =
        [context.lastCycle, context.lastDryRun].find((c) => c?.request.requestIds.includes(requestId)) ??
        null;
      const verdict = verdictFor(syncSnapshot(snapshot), requestId) ?? "failed";
      return { requestId, verdict, snapshot, cycle };
    },
    arrivals(event, snapshot) {
      // cast: an event this actor processed is one of its machine's events
      return mode.arrivals(event as EventFromLogic<TMachine>, snapshot.context);
    },
    async stop() {
      await actor.stop({ type: "hostStopped", at: now(), pid: process.pid });
      await log.close();
    },
  };
}
