/**
 * A scripted model on 127.0.0.1: an OpenAI-compatible `POST /v1/chat/completions` (streamed or not) that
 * records each request and answers it with the same short text, or with what a `script` returns for it:
 * a text or tool calls. Configured in OpenClaw as a custom provider (`scriptedModelConfig`), it shows
 * whether anything asked the model, and lets a test have the agent call tools.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

/** One tool call the model makes: OpenAI's `tool_calls[]` entry, arguments as an object. */
export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What the scripted model answers one request with. */
export type ScriptedTurn = { text: string } | { toolCalls: ScriptedToolCall[] };

/** Decides the answer to a request (its parsed body), given the requests before it. */
export type Script = (request: unknown) => ScriptedTurn;

export interface ModelServer {
  baseUrl: string;
  /** Every request body received, in order. */
  requests: unknown[];
  /** When each request arrived and when its answer was sent (`performance.now()`), in the same order. */
  timings: { received: number; answered: number }[];
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const wantsStream = (request: unknown) =>
  typeof request === "object" && request !== null && "stream" in request && request.stream === true;

function toolCallsOf(calls: readonly ScriptedToolCall[]) {
  return calls.map((call, index) => ({
    index,
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

export async function startModelServer(
  reply = "scripted model reply",
  script: Script = () => ({ text: reply }),
): Promise<ModelServer> {
  const requests: unknown[] = [];
  const timings: ModelServer["timings"] = [];
  const server: Server = createServer((req, res) => {
    const received = performance.now();
    void body(req).then((text) => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      const request = parse(text);
      requests.push(request);
      const timing = { received, answered: Number.NaN };
      timings.push(timing);
      res.on("finish", () => {
        timing.answered = performance.now();
      });
      const turn = script(request);
      const id = `chatcmpl-${requests.length}`;
      const created = Math.floor(Date.now() / 1000);
      if (wantsStream(request)) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const chunk = (delta: object, finish: string | null) =>
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: "echo", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        if ("text" in turn) {
          res.write(chunk({ role: "assistant", content: turn.text }, null));
          res.write(chunk({}, "stop"));
        } else {
          res.write(
            chunk({ role: "assistant", content: null, tool_calls: toolCallsOf(turn.toolCalls) }, null),
          );
          res.write(chunk({}, "tool_calls"));
        }
        res.end("data: [DONE]\n\n");
        return;
      }
      const message =
        "text" in turn
          ? { role: "assistant", content: turn.text }
          : { role: "assistant", content: null, tool_calls: toolCallsOf(turn.toolCalls) };
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model: "echo",
          choices: [{ index: 0, message, finish_reason: "text" in turn ? "stop" : "tool_calls" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // cast: a TCP server's address is an AddressInfo
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    timings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** OpenClaw config making the scripted model the default agent's model (`models` and `agents` keys). */
export function scriptedModelConfig(baseUrl: string): Record<string, unknown> {
  return {
    models: {
      mode: "merge",
      providers: {
        scripted: {
          baseUrl,
          apiKey: "scripted-test-key",
          api: "openai-completions",
          models: [
            {
              id: "echo",
              name: "Scripted echo",
              reasoning: false,
              input: ["text"],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 32000,
              maxTokens: 1000,
            },
          ],
        },
      },
    },
    agents: { defaults: { model: { primary: "scripted/echo" } } },
  };
}
