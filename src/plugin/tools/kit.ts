/**
 * What every agent tool shares: parameters as a zod schema (sent to the model as JSON Schema, checked
 * before anything runs, a refusal naming the parameter and what is allowed), the JSON result, and the
 * workspace the run's agent works in, with the unit that syncs it.
 */
import { z } from "zod";
import type { Host } from "../../daemon/host.js";
import type { Scope } from "../../runtime/scope.js";
import type { UnitHandle } from "../../runtime/unit.js";
import type { AgentTool, ToolContext, ToolResult } from "../api.js";

/** What the tools need of the plugin: the scope of a run's workspace, and the host the service runs. */
export interface ToolHost {
  /** The config, state directory and the workspace of the run's agent; throws when the config is invalid. */
  scope(ctx: ToolContext): Scope;
  /** The host the gateway's service runs in this process, if it started. */
  host(): Host | null;
}

export interface ToolSpec<T> {
  name: string;
  label: string;
  description: string;
  params: z.ZodType<T>;
  run(params: T, scope: Scope, tools: ToolHost, signal: AbortSignal | undefined): Promise<object>;
}

/** A refusal the model should read: the tool's name, then what was wrong and how to fix it. */
export class ToolError extends Error {
  override name = "ToolError";
}

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return json;
}

export function parseParams<T>(tool: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join(".") : "parameters";
    return `\`${key}\`: ${issue.message}`;
  });
  throw new ToolError(`${tool}: bad parameters: ${problems.join("; ")}`);
}

export function jsonResult(details: object): ToolResult {
  return { content: [{ type: "text", text: JSON.stringify(details, null, 2) }], details };
}

/** The agent tool OpenClaw runs: parameters checked, then `run`, its value as JSON. */
export function agentTool<T>(spec: ToolSpec<T>, tools: ToolHost, ctx: ToolContext): AgentTool {
  return {
    name: spec.name,
    label: spec.label,
    description: spec.description,
    parameters: jsonSchemaOf(spec.params),
    // The skill names these tools: keep them visible to the model, not only through tool_search.
    catalogMode: "direct-only",
    execute: async (_toolCallId, raw, signal) => {
      const params = parseParams(spec.name, spec.params, raw);
      return jsonResult(await spec.run(params, tools.scope(ctx), tools, signal));
    },
  };
}

/**
 * `use` with the unit syncing the scope's workspace: the service's host in this process when it runs
 * (the tool's request is one more event for the running actor), else the host over its socket, else a
 * one-shot host in this process (`openclaw agent --local`).
 */
export async function withWorkspaceUnit<T>(
  tools: ToolHost,
  scope: Scope,
  use: (unit: UnitHandle) => Promise<T>,
): Promise<T> {
  const host = tools.host();
  if (host !== null && host.stateDir === scope.stateDir) return use(await host.workspace(scope.workspace));
  // A one-shot host loads on use, as the service's does (registration never parses it).
  const { withUnit } = await import("../../daemon/route.js");
  return withUnit(scope, { workspace: scope.workspace }, use, {
    interrupted: "interrupted; the next run resumes",
    warn: () => undefined,
  });
}
