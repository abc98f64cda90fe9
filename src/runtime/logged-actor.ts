/**
 * Runs one statechart as a live actor whose every processed event is appended to the event log.
 *
 * Start: rebuild the state from the last checkpoint plus the tail through the pure `transition()`
 * (no effect runs during replay), apply `hostStarted` the same pure way (a cycle cut short by a
 * crash starts again from its lock), then start the actor from that snapshot: only the effects of
 * the state it is in run, once. Triggers only ever `send` events into it.
 */
import {
  type Actor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  initialTransition,
  transition,
  waitFor,
} from "xstate";
import type { EventLog, LogRecord } from "../log/event-log.js";

export type LoggedEvent = { type: string; at: number; [key: string]: unknown };

export interface LoggedActorOptions {
  machine: AnyStateMachine;
  log: EventLog;
  /** The event that marks this host's start (`hostStarted`, with its settings). */
  started: LoggedEvent;
  /** Waits for effects that were aborted by a stop to finish cleaning up. */
  settle?: () => Promise<void>;
}

/** Rebuild the state a log describes, with no effect run. */
export function replay(
  machine: AnyStateMachine,
  checkpoint: unknown | null,
  records: readonly LogRecord[],
): AnyMachineSnapshot {
  let snapshot: AnyMachineSnapshot =
    checkpoint === null
      ? initialTransition(machine)[0]
      : createActor(machine, {
          // cast: a checkpoint is `getPersistedSnapshot()` of this machine, written by the logged actor
          snapshot: checkpoint as AnyMachineSnapshot,
        }).getSnapshot();
  for (const record of records) {
    if (record.event.type.startsWith("xstate.")) continue;
    snapshot = transition(machine, snapshot, record.event)[0];
  }
  return snapshot;
}

export class LoggedActor {
  private constructor(
    private readonly machine: AnyStateMachine,
    private readonly log: EventLog,
    readonly actor: Actor<AnyStateMachine>,
    private readonly settle: () => Promise<void>,
    private readonly checkpointNext: () => void,
  ) {}

  static async start(options: LoggedActorOptions): Promise<LoggedActor> {
    const { machine, log, started } = options;
    const recovered = replay(machine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
    const [resumed] = transition(machine, recovered, started);
    const persisted = (snapshot: AnyMachineSnapshot) => () => machine.getPersistedSnapshot(snapshot);
    void log.append(started, resumed.value, persisted(resumed));

    const holder: { actor?: Actor<AnyStateMachine>; checkpointNext?: boolean } = {};
    const actor: Actor<AnyStateMachine> = createActor(machine, {
      snapshot: machine.getPersistedSnapshot(resumed),
      inspect: (inspection) => {
        if (inspection.type !== "@xstate.snapshot" || inspection.actorRef !== holder.actor) return;
        const event = inspection.event;
        if (event.type.startsWith("xstate.")) return;
        // cast: the inspected actor is this root actor, so its snapshot is this machine's
        const snapshot = inspection.snapshot as AnyMachineSnapshot;
        void log.append(event, snapshot.value, persisted(snapshot), {
          checkpoint: holder.checkpointNext === true,
        });
        holder.checkpointNext = false;
      },
    });
    holder.actor = actor;
    actor.start();
    const checkpointNext = () => {
      holder.checkpointNext = true;
    };
    return new LoggedActor(machine, log, actor, options.settle ?? (() => Promise.resolve()), checkpointNext);
  }

  get snapshot(): AnyMachineSnapshot {
    return this.actor.getSnapshot();
  }

  send(event: LoggedEvent): void {
    this.actor.send(event);
  }

  /** Resolves with the first snapshot that satisfies `predicate` (the current one included). */
  until(
    predicate: (snapshot: AnyMachineSnapshot) => boolean,
    signal?: AbortSignal,
  ): Promise<AnyMachineSnapshot> {
    return waitFor(this.actor, predicate, {
      timeout: Number.POSITIVE_INFINITY,
      ...(signal ? { signal } : {}),
    });
  }

  /** Resolves when every event processed so far is on disk (for readers of the log, such as `history`). */
  flush(): Promise<void> {
    return this.log.flush();
  }

  /** Record the stop, end the running effects (their processes get SIGTERM), and flush the log. */
  async stop(stopped: LoggedEvent): Promise<void> {
    // The stop event carries a checkpoint: the next start replays nothing.
    this.checkpointNext();
    this.actor.send(stopped);
    this.actor.stop();
    await this.settle();
    await this.log.flush();
  }

  get machineId(): string {
    return this.machine.id;
  }
}
