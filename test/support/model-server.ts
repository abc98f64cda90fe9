/**
 * A scripted model on 127.0.0.1: an OpenAI-compatible `POST /v1/chat/completions` (streamed or not) that
 * answers every request with the same short text and records each request. Configured in OpenClaw as a
 * custom provider (`providerConfig`), it shows whether anything asked the model.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ModelServer {
  baseUrl: string;
  /** Every request body received, in order. */
  requests: unknown[];
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

export async function startModelServer(reply = "scripted model reply"): Promise<ModelServer> {
  const requests: unknown[] = [];
  const server: Server = createServer((req, res) => {
    void body(req).then((text) => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      const request = parse(text);
      requests.push(request);
      const id = `chatcmpl-${requests.length}`;
      const created = Math.floor(Date.now() / 1000);
      if (wantsStream(request)) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const chunk = (delta: object, finish: string | null) =>
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: "echo", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.write(chunk({ role: "assistant", content: reply }, null));
        res.write(chunk({}, "stop"));
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model: "echo",
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
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
