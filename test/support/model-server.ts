/**
 * A scripted model on 127.0.0.1 speaking OpenAI's chat completions (`POST /v1/chat/completions`, streamed
 * or not), for OpenClaw configured with it as a custom provider (`api: "openai-completions"`). Each turn
 * request (one that offers tools) gets the next scripted step: a tool call, or a text answer once the
 * script is done. Every request is kept, so a test can read the tool results the model received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface ToolStep {
  tool: string;
  args: Record<string, unknown>;
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: { type: string; function: { name: string; parameters?: unknown } }[];
}

/** A tool call the model made and the result OpenClaw sent back, with the time between the two. */
export interface ToolExchange {
  id: string;
  tool: string;
  args: Record<string, unknown>;
  result: string | null;
  /** From the model's answer with the call to the request carrying its result (OpenClaw's whole round trip). */
  roundTripMs: number | null;
}

export interface ModelServer {
  baseUrl: string;
  requests: ChatRequest[];
  exchanges: ToolExchange[];
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

/** A message's text, whether OpenClaw sent a string or content parts. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((part: unknown) =>
        typeof part === "object" && part !== null && "text" in part && typeof part.text === "string"
          ? part.text
          : "",
      )
      .join("");
  return "";
}

function reply(res: ServerResponse, request: ChatRequest, message: ChatMessage, finish: string): void {
  const id = `chatcmpl-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (!request.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [{ index: 0, message, finish_reason: finish }],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: unknown, finishReason: string | null, extra: object = {}) =>
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: request.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`,
    );
  const delta = message.tool_calls
    ? {
        role: "assistant",
        content: null,
        tool_calls: message.tool_calls.map((c, index) => ({ index, ...c, type: "function" })),
      }
    : { role: "assistant", content: message.content };
  chunk(delta, null);
  chunk({}, finish, { usage });
  res.end("data: [DONE]\n\n");
}

export async function startModelServer(steps: readonly ToolStep[], finalText = "done"): Promise<ModelServer> {
  const requests: ChatRequest[] = [];
  const exchanges: ToolExchange[] = [];
  const answeredAt = new Map<string, number>();
  let next = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [] }));
        return;
      }
      const request = JSON.parse(await body(req)) as ChatRequest;
      requests.push(request);
      for (const message of request.messages) {
        if (message.role !== "tool" || message.tool_call_id === undefined) continue;
        const exchange = exchanges.find((e) => e.id === message.tool_call_id);
        if (exchange && exchange.result === null) {
          exchange.result = textOf(message.content);
          const at = answeredAt.get(exchange.id);
          exchange.roundTripMs = at === undefined ? null : Date.now() - at;
        }
      }
      const step = request.tools && request.tools.length > 0 ? steps[next] : undefined;
      if (step === undefined) {
        reply(res, request, { role: "assistant", content: finalText }, "stop");
        return;
      }
      next++;
      const id = `call_${next}`;
      exchanges.push({ id, tool: step.tool, args: step.args, result: null, roundTripMs: null });
      answeredAt.set(id, Date.now());
      reply(
        res,
        request,
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id, function: { name: step.tool, arguments: JSON.stringify(step.args) } }],
        },
        "tool_calls",
      );
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the model server has no port");
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    exchanges,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
