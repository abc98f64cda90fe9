/**
 * What every unit does with the events its actor processes: tell the host (`onTransition`) and every
 * subscriber, as JSON-safe data. Units differ only in what else they do with an event (timers, inbox).
 */
import type { AnyActorRef, AnyMachineSnapshot } from "xstate";
import { messageOf } from "../util/errors.js";
import type { HostServices, Transition, UnitInfo } from "./unit.js";

type Listener = (transition: Transition) => void;

/** JSON-safe copy: the stream and the socket carry data, never live objects. */
export function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** Calls `onProcessed` after each root event `actor` processed (XState's own events left out). */
export function inspectProcessed(
  actor: AnyActorRef,
  onProcessed: (event: Transition["event"], snapshot: AnyMachineSnapshot) => void,
): { unsubscribe(): void } {
  return actor.system.inspect((inspection) => {
    if (inspection.type !== "@xstate.snapshot" || inspection.actorRef !== actor) return;
    const event = inspection.event;
    if (event.type.startsWith("xstate.")) return;
    // cast: the inspected actor is the unit's root actor, so its snapshot is a machine snapshot
    onProcessed(event, inspection.snapshot as AnyMachineSnapshot);
  });
}

export class TransitionFeed {
  readonly #listeners = new Set<Listener>();

  constructor(
    private readonly info: UnitInfo,
    private readonly services: HostServices,
  ) {}

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One processed event: to the host's `onTransition`, then to each subscriber. */
  publish(event: Transition["event"], snapshot: AnyMachineSnapshot): void {
    try {
      this.services.onTransition?.(this.info, event, snapshot.value, snapshot.context);
    } catch (error) {
      this.services.logger.warn(`a transition listener failed: ${messageOf(error)}`);
    }
    if (this.#listeners.size === 0) return;
    const transition: Transition = {
      unit: this.info.id,
      at: new Date(this.services.now()).toISOString(),
      // A JSON copy of the event: the same fields.
      event: JSON.parse(JSON.stringify(event)),
      state: plain(snapshot.value),
      context: plain(snapshot.context),
    };
    for (const listener of this.#listeners) {
      try {
        listener(transition);
      } catch (error) {
        this.services.logger.warn(`a transition listener failed: ${messageOf(error)}`);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
