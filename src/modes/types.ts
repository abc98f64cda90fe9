/**
 * A sync mode, as the runtime and the doors see it: its pure machine (for replay and status), how to run
 * it with this workspace's effects, and how it describes itself (cycle lines, status lines, arrivals,
 * conflicts, resync advice, event details). Generic code asks the `Mode`; it never reads a mode's events
 * or context fields itself. `Mode<TMachine>` keeps the machine's own types.
 */
import type { AnyStateMachine, ContextFrom, EventFromLogic } from "xstate";
import type { CycleState } from "../../machines/cycle.js";
import type { Conflict, FailureReason, TransferOutcome } from "../../machines/outcomes.js";
import type { SyncRequest } from "../../machines/requests.js";
import type { SyncConfig } from "../config/schema.js";
import type { InFlight } from "../effects/actors.js";
import type { CycleLock } from "../effects/cycle-lock.js";
import type { RcloneRun } from "../effects/rclone-runner.js";
import type { WorkspacePaths } from "../paths.js";
import type { RcloneCapabilities } from "../rclone/capabilities.js";

export type ModeName = SyncConfig["mode"];

/** What a mode's effects are built from: this workspace's config, paths, remote, rclone, lock and clock. */
export interface EffectKit {
  config: SyncConfig;
  paths: WorkspacePaths;
  /** `remote:<remotePath>`. */
  remoteRoot: string;
  caps: RcloneCapabilities;
  lock: CycleLock;
  rclone: RcloneRun;
  now: () => number;
  inFlight: InFlight;
}

/** A finished cycle, as every mode records it (each adds its own steps). */
export interface CycleBase {
  startedAt: number;
  finishedAt: number;
  request: SyncRequest;
  attempts: number;
}

/** What every sync machine's context has: the shared cycle state and its last cycles. */
export interface SyncContext<TCycle extends CycleBase = CycleBase> extends CycleState {
  lastCycle: TCycle | null;
  lastDryRun: TCycle | null;
  /** The rclone the current host runs (`rclone version`'s first line). */
  rclone: string | null;
}

/** A logged event as any reader sees it (its shape is the mode's, but an old log may hold older ones). */
export type LoggedEvent = { type: string; [key: string]: unknown };

/** A step of a cycle as the status report lists it (`push`, `pull`, `bisync`...). */
export type CycleStep = [name: string, step: TransferOutcome];

/** How a mode describes itself. Inputs are its own machine's context and cycle records. */
export interface ModeDescription<TContext, TEvent, TCycle> {
  /** The lines `sync` prints for a finished cycle. */
  cycleLines(cycle: TCycle): string[];
  /** The status report's lines about the last real cycle beyond its steps' stats (mailbox: arrivals). */
  lastCycleLines(cycle: TCycle): string[];
  /** Conflicts a cycle resolved (bisync), none for the others. */
  conflicts(cycle: TCycle | null): Conflict[];
  /** Why the mode cannot run without `--resync` (bisync), or null. */
  resyncNeeded(context: TContext): FailureReason | null;
  /** The totals only this mode keeps, as the status report shows them. */
  totals(context: TContext): { arrivals: number; conflicts: number };
  /** Workspace-relative names of the files a real cycle just delivered, from an event and its context. */
  arrivals(event: TEvent, context: TContext): string[];
  /** What a logged event of this mode says beyond its type; null when it is not one of this mode's own. */
  eventDetail(event: LoggedEvent, dryRun?: boolean): string | null;
}

/** What a cycle record of a machine is: the type its context keeps as `lastCycle`. */
export type CycleOf<TMachine extends AnyStateMachine> = NonNullable<ContextFrom<TMachine>["lastCycle"]>;

export interface Mode<TMachine extends AnyStateMachine, TCycle extends CycleBase = CycleOf<TMachine>>
  extends ModeDescription<ContextFrom<TMachine>, EventFromLogic<TMachine>, TCycle> {
  name: ModeName;
  /** The pure machine: replayed by `status` and `log`, never run without effects. */
  machine: TMachine;
  /** The shared part of this machine's context (the identity: the type checks that the machine has it). */
  syncContext(context: ContextFrom<TMachine>): SyncContext<TCycle>;
  /** The machine with this workspace's effects provided, and what its `hostStarted` carries besides the basics. */
  build(kit: EffectKit): { machine: TMachine; started: Record<string, unknown> };
  /**
   * A cheap look at the remote between cycles (one listing): whether it holds something a cycle would bring
   * in (mailbox: a file in `_outbox`). Modes without one never poll.
   */
  hasIncoming?(kit: EffectKit, signal: AbortSignal): Promise<boolean>;
}
