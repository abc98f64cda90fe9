/**
 * A machine using every construct a diagram must show, none of which the mailbox has: parallel regions,
 * nested compounds, delayed transitions, eventless ones, an invoke's onDone/onError, object guards,
 * a state key that needs escaping. The diagram tests run on it as on every registered machine.
 */
import { assign, fromPromise, setup } from "xstate";
import type { ChartSpec } from "../../src/viz/registry.js";

const machine = setup({
  types: { context: {} as { n: number }, events: {} as { type: "go" } | { type: "stop" } | { type: "tick" } },
  actors: { upload: fromPromise(async () => 1) },
  guards: { small: ({ context }) => context.n < 3, isEven: () => true },
  delays: { patience: 2000 },
}).createMachine({
  id: "sink",
  context: { n: 0 },
  initial: "waiting",
  on: { stop: ".stopped" },
  states: {
    waiting: {
      after: { 1500: "working", patience: { target: "stopped", guard: "isEven" } },
      on: { go: "working", tick: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
    },
    working: {
      type: "parallel",
      states: {
        transfer: {
          initial: "sending",
          states: {
            sending: {
              invoke: { id: "send", src: "upload", onDone: "sent", onError: "#sink.stopped" },
            },
            sent: { type: "final" },
          },
        },
        "check-in": {
          initial: "counting",
          states: {
            counting: {
              always: [{ guard: { type: "small" }, target: "more ticks" }, { target: "enough" }],
            },
            "more ticks": { on: { tick: "counting" } },
            enough: { type: "final" },
          },
        },
      },
      onDone: "waiting",
    },
    stopped: { type: "final" },
  },
});

export const kitchenSink: ChartSpec = {
  name: "kitchen-sink",
  machine,
  source: "test/viz/kitchen-sink.ts",
  embedIn: [],
};
