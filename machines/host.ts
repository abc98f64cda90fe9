/**
 * What every statechart shares with the host that runs it: the time each event carries, the host's start
 * and stop events, the placeholder that names an effect, and the deadline a wait is given. Pure.
 */
import { type EventObject, fromCallback } from "xstate";

/** When the event happened (epoch ms): deadlines live in context, so a log replays to the same state. */
export type At = { at: number };

/** A host started (its process id), with the settings this machine takes from it. */
export type HostStarted<TSettings> = { type: "hostStarted"; pid: number; rclone?: string } & TSettings & At;

/** A host stopped. Recorded so the log shows the stop; what was running starts again with the next host. */
export type HostStopped = { type: "hostStopped"; pid: number } & At;

/**
 * An effect as the machine names it: an inert placeholder taking the effect's input. The host provides the
 * real actor under the same name, and it answers with one of `TEvent`.
 */
export function inert<TEvent extends EventObject, TInput>() {
  return fromCallback<TEvent, TInput>(() => undefined);
}

/** The input of `waitUntil`: it reports once this time (epoch ms) has passed. */
export interface DeadlineInput {
  at: number;
}
