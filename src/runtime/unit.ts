/**
 * A unit is one statechart a host keeps running: a workspace's sync actor, or the backup actor. The host
 * knows units only through this interface, so adding a kind is one registration in `kinds.ts`; the socket
 * serves every unit the same way, and a command holds the same interface whether the unit runs in its own
 * process or in a running host (a proxy over the socket, `daemon/remote-unit.ts`).
 */
import type { UnitRequest } from "../../machines/requests.js";
import type { LoadedConfig } from "../config/load.js";
import type { LogRecord } from "../log/event-log.js";
import type { RcloneProgress } from "../rclone/progress.js";
import type { Subscribe } from "./workspace/watch.js";

export interface UnitInfo {
  id: string;
  /** `workspace` or `backup`. */
  kind: string;
  /** What the unit serves, for people: a workspace path, or where backups go. */
  label: string;
}

/** One processed event of a unit and the state it led to. */
export interface Transition {
  unit: string;
  /** ISO time the host saw it. */
  at: string;
  event: { type: string; [key: string]: unknown };
  /** The state value after the event (`"idle"`, `{ running: "pushing" }`). */
  state: unknown;
  context: unknown;
}

/** Where the cycle serving a request ended: `retrying` waits for its next attempt. */
export type Verdict = "done" | "failed" | "retrying";

/**
 * The one answer to a request, whichever door asked and whichever host served it (in-process, or over
 * the socket as the `send` op's result). `TContext` and `TCycle` are the unit's machine's own types.
 */
export interface Answer<TContext = unknown, TCycle = unknown> {
  unit: string;
  requestId: string;
  /** `queued` when the caller did not wait. */
  verdict: Verdict | "queued";
  state: unknown;
  context: TContext;
  /** The unit's own record of the cycle that served the request, when it ended. */
  cycle: TCycle | null;
}

/** OpenClaw's session hooks, as the host receives them. */
export type SessionHook = "session_start" | "session_end";

/**
 * What a command holds of a unit: the same whether the unit runs in this process (a one-shot host) or in
 * the running host (a proxy over its socket). Listeners subscribed before a request see its progress.
 */
export interface UnitHandle {
  /** Send a request; resolves when the cycle serving it has ended (`wait: false`: at once, `queued`). */
  request(request: UnitRequest, options?: { wait?: boolean }): Promise<Answer>;
  /** rclone's transfer statistics while the unit runs rclone (when the kind reports them). */
  watchProgress?(listener: (stats: RcloneProgress) => void): () => void;
  /** Every event the unit processes, with the state it led to. Returns the unsubscribe function. */
  subscribe(listener: (transition: Transition) => void): () => void;
  /** Recent records of the unit's event log, oldest first. */
  history(options: { limit?: number; afterSeq?: number }): Promise<LogRecord[]>;
  /** The unit's report, as `status` prints it. */
  status(): Promise<unknown>;
}

export interface Unit extends UnitHandle {
  readonly info: UnitInfo;
  /** The request type this unit takes (`request` refuses any other). */
  readonly takes: UnitRequest["type"];
  /** The live state: value and context, as JSON-safe data. */
  current(): { value: unknown; context: unknown };
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

/** What a host gives the units it starts: where, with what, and whom to tell. */
export interface HostServices {
  stateDir: string;
  config: LoadedConfig;
  env: NodeJS.ProcessEnv;
  rcloneBinary: string;
  rcloneVersion: string;
  now: () => number;
  logger: HostLogger;
  /** A long-lived host runs interval timers and backup schedules; a one-shot host serves its command only. */
  timers: boolean;
  /** OpenClaw's state directory, for backups (default: from the environment). */
  openclawState?: string | undefined;
  /** How long an unpublished backup upload is left alone before a prune removes it (tests shorten it). */
  backupLeftoverGraceMs?: number | undefined;
  /** The file watcher's backend (default `@parcel/watcher`); tests hand in one that fails. */
  watchBackend?: Subscribe | undefined;
  /** Files a drain delivered into a workspace's `_inbox` (real cycles only). */
  onArrivals?: ((unit: UnitInfo, arrivals: string[]) => void) | undefined;
  /**
   * Every event any unit processes (the daemon logs them), with the state and the machine's live context
   * it led to (read it, never keep or change it). Called synchronously: keep it cheap.
   */
  onTransition?:
    | ((unit: UnitInfo, event: Transition["event"], state: unknown, context: unknown) => void)
    | undefined;
}

/** A kind of unit: how the host starts its units. */
export interface UnitKind {
  kind: string;
  /** Units to run from the start for these workspaces (a kind that is not per workspace ignores them). */
  start(services: HostServices, workspaces: readonly string[]): Promise<Unit[]>;
  /**
   * The unit `id` started because someone sent it a request, when this kind runs a unit of that id that
   * start-up did not start (null otherwise). Throws, with the reason, when it cannot start.
   */
  startOnRequest?(services: HostServices, id: string, workspaces: readonly string[]): Promise<Unit> | null;
}
