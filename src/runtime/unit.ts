/**
 * A unit is one statechart the host keeps running: a workspace's sync actor, or the backup actor. The
 * host knows units only through this interface, so adding a kind is one registration in `kinds.ts`; the
 * IPC server serves every unit the same way.
 */
import type { Direction, TriggerSource } from "../../machines/requests.js";
import type { LoadedConfig } from "../config/load.js";
import type { ClientEvent, Transition, UnitInfo } from "../ipc/protocol.js";
import type { LogRecord } from "../log/event-log.js";
import type { RcloneProgress } from "../rclone/progress.js";

export interface TriggerInput {
  source: TriggerSource;
  direction?: Direction;
  dryRun?: boolean;
  force?: boolean;
  resync?: boolean;
}

export interface TriggerAnswer {
  verdict: "done" | "failed" | "retrying";
  value: unknown;
  context: unknown;
  /** The unit's record of the cycle that served the trigger, when there is one. */
  cycle: unknown;
}

/** OpenClaw's session hooks, as the host receives them. */
export type SessionHook = "session_start" | "session_end";

export interface Unit {
  readonly info: UnitInfo;
  /** The client event that triggers this unit (`send` refuses any other). */
  readonly takes: ClientEvent["type"];
  /** The live state: value and context, as JSON-safe data. */
  current(): { value: unknown; context: unknown };
  /** Send a trigger now; the promise resolves when the cycle serving it has ended. */
  trigger(input: TriggerInput): Promise<TriggerAnswer>;
  /** rclone's transfer statistics while the unit runs rclone (when the kind reports them). */
  watchProgress?(listener: (stats: RcloneProgress) => void): () => void;
  /** Every event the unit processes, with the state it led to. Returns the unsubscribe function. */
  subscribe(listener: (transition: Transition) => void): () => void;
  /** Recent records of the unit's event log, oldest first. */
  history(options: { limit?: number; afterSeq?: number }): Promise<LogRecord[]>;
  /** The unit's report, as `status` prints it. */
  status(): Promise<unknown>;
  /** A session hook fired for what this unit serves; the unit decides whether it triggers. Never waits. */
  onHook(hook: SessionHook): void;
  /** Stop timers and the actor (the log records the stop), ending any rclone it runs. */
  stop(): Promise<void>;
}

export interface HostLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a unit kind is given to start its units. */
export interface UnitContext {
  stateDir: string;
  config: LoadedConfig;
  env: NodeJS.ProcessEnv;
  rcloneBinary: string;
  rcloneVersion: string;
  now: () => number;
  logger: HostLogger;
  /** OpenClaw's state directory, for backups (default: from the environment). */
  openclawState?: string | undefined;
  /** Files a drain delivered into a workspace's `_inbox` (real cycles only). */
  onArrivals?: ((unit: UnitInfo, arrivals: string[]) => void) | undefined;
  /** Every event any unit processes (the daemon logs them). Called synchronously: keep it cheap. */
  onTransition?: ((unit: UnitInfo, event: Transition["event"], state: unknown) => void) | undefined;
}

/** A kind of unit: how the host starts its units at start-up. */
export interface UnitKind {
  kind: string;
  /** Units to run for these workspaces (a kind that is not per workspace ignores them). */
  start(context: UnitContext, workspaces: readonly string[]): Promise<Unit[]>;
  /**
   * The unit `id` started because a client sent it a trigger, when this kind runs a unit of that id that
   * start-up did not start (null otherwise). Throws, with the reason, when it cannot start.
   */
  startOnRequest?(context: UnitContext, id: string, workspaces: readonly string[]): Promise<Unit> | null;
}
