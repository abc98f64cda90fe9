/**
 * The host's IPC protocol, version 1: newline-delimited JSON over a unix socket in the state directory.
 *
 * A client sends one request per line, each with `v` (the protocol version) and an `id` it chooses; every
 * message the host sends back for that request carries the same `id`. A request ends with exactly one
 * `result` or `error`; `send` with `progress` streams `progress` messages (each processed event) and
 * `stats` messages (rclone's transfer statistics, about once a second) before its result, and
 * `subscribe` streams `transition` messages (with `progress`, `stats` messages too) until the client
 * closes the connection.
 */
import { z } from "zod";
import type { TriggerSource, UnitRequest } from "../../machines/requests.js";
import type { RcloneProgress } from "../rclone/progress.js";
import type { Answer, Transition, UnitInfo } from "../runtime/unit.js";

export const protocolVersion = 1;

/** The socket's file name inside the state directory. */
export const socketName = "host.sock";

const unitRef = {
  /** A unit id (`workspace-sync status --json` lists them); or */
  unit: z.string().min(1).optional(),
  /** the absolute path of a workspace the host serves. */
  workspace: z.string().min(1).optional(),
};

/** A request's `source` may be left out on the wire: a client asking is `cli`. */
const triggerSource = z
  .enum([
    "cli",
    "timer",
    "hook",
    "startup",
    "retry",
    "tool",
    "watch",
    "poll",
    "rerun",
  ] satisfies TriggerSource[])
  .optional()
  .transform((source): TriggerSource => source ?? "cli");

/**
 * The requests a client may send (the runtime's one `UnitRequest`): requests only, never outcome events,
 * which belong to the host's effects. Each unit takes one of them (`hello` lists the units): a workspace
 * `syncRequested`, the backup `backupRequested`.
 */
export const unitRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("syncRequested"),
    direction: z.enum(["both", "push", "pull"]).optional(),
    dryRun: z.boolean().optional(),
    source: triggerSource,
    /** Go through a deletion-guard halt (`sync --force`). */
    force: z.boolean().optional(),
    /** Rebuild bisync's listings (`sync --resync`; only a person asks for it). */
    resync: z.boolean().optional(),
    /** A one-way sync in `direction` whatever the mode (`sync --direction`; mailbox: a pull, not the drain). */
    oneWay: z.boolean().optional(),
  }),
  /** One backup now (`backup now`), served by the unit `backup`. */
  z.object({ type: z.literal("backupRequested"), source: triggerSource }),
]) satisfies z.ZodType<UnitRequest>;

const base = { v: z.number().int(), id: z.string().min(1).max(200) };

export const requestSchema = z.discriminatedUnion("op", [
  /** Who is there: pid, version, the units. */
  z.object({ ...base, op: z.literal("hello") }),
  /** Current snapshots (value + context) of one unit or of all. */
  z.object({ ...base, op: z.literal("state"), ...unitRef }),
  /** A unit's report as `status` prints it. */
  z.object({ ...base, op: z.literal("status"), ...unitRef }),
  /** A unit's recent event-log records, oldest first. */
  z.object({
    ...base,
    op: z.literal("history"),
    ...unitRef,
    limit: z.number().int().min(1).max(10_000).optional(),
    afterSeq: z.number().int().min(0).optional(),
  }),
  /** Send an event to a unit; with `wait`, answer when the cycle it caused has ended. */
  z.object({
    ...base,
    op: z.literal("send"),
    ...unitRef,
    event: unitRequestSchema,
    wait: z.boolean().optional(),
    /** With `wait`: stream each event the unit processes until then. */
    progress: z.boolean().optional(),
  }),
  /** Stream every event each unit (or one) processes, with the resulting state. */
  z.object({
    ...base,
    op: z.literal("subscribe"),
    ...unitRef,
    /** Also stream `stats` messages (rclone's transfer statistics) while a unit runs rclone. */
    progress: z.boolean().optional(),
  }),
]);
export type Request = z.infer<typeof requestSchema>;
/** A request as a client writes it (`source` may be left out). */
export type RequestInput = z.input<typeof requestSchema>;
export type RequestOp = Request["op"];

export type ErrorCode =
  /** The line was not JSON or not a valid request. */
  | "bad-request"
  /** The client speaks another protocol version. */
  | "protocol"
  /** No such unit, and none could be started for it. */
  | "unknown-unit"
  /** The unit refused the request (for example an unsupported mode). */
  | "refused"
  /** The host is stopping: the request was not (or not fully) served. */
  | "stopping"
  | "internal";

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** What a request streams before (or, for `subscribe`, after) its result. */
export type StreamMessage =
  | ({ type: "progress" } & Transition)
  | { type: "stats"; unit: string; stats: RcloneProgress }
  | ({ type: "transition" } & Transition)
  | { type: "result"; result: unknown };

export type Response =
  | { v: number; id: string; type: "result"; result: unknown }
  | { v: number; id: string; type: "error"; error: ErrorBody }
  | ({ v: number; id: string } & StreamMessage);

export interface HelloResult {
  protocol: number;
  pid: number;
  version: string;
  startedAt: string;
  units: UnitInfo[];
}

export interface UnitState extends UnitInfo {
  value: unknown;
  context: unknown;
}

/** What `send` answers (at once, `queued`, without `wait`): the runtime's one answer, its `requestId` the request's `id`. */
export type SendResult = Answer;
