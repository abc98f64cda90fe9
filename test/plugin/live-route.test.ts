/**
 * The live statechart page inside OpenClaw: registered with `registerHttpRoute` under the gateway's auth,
 * and serving the page, the chart and the state of the gateway's workspace once the service runs.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import plugin from "../../src/plugin/index.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { fakeApi, fakeLogger, fakeRuntime } from "./fake-api.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(handler: (req: never, res: never) => unknown): Promise<string> {
  const server: Server = createServer((req, res) => void handler(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the live page in the gateway", () => {
  it("is a gateway-authenticated prefix route that shows the workspace's statechart and state", async () => {
    const sandbox: Sandbox = await createSandbox();
    cleanups.push(() => sandbox.cleanup());
    const { runtime } = fakeRuntime({ main: sandbox.workspace }, {});
    const logger = fakeLogger();
    const fake = fakeApi(
      { mode: "mailbox", provider: "local", local: { path: sandbox.cloud } },
      runtime,
      logger,
    );
    plugin.register(fake.api);
    fake.seal();

    const route = fake.registered.routes[0];
    expect(route).toMatchObject({ path: "/workspace-sync/live", auth: "gateway", match: "prefix" });
    if (!route) throw new Error("no route");

    const service = fake.registered.services[0];
    if (!service) throw new Error("no service");
    const ctx = { config: {}, workspaceDir: sandbox.workspace, stateDir: sandbox.root, logger };
    await service.start(ctx);
    cleanups.push(async () => service.stop?.(ctx));
    const stateDir = join(sandbox.root, "workspace-sync");
    await callHost(stateDir, {
      op: "send",
      workspace: sandbox.workspace,
      event: { type: "syncRequested", source: "cli" },
      wait: true,
    });

    const base = await serve(route.handler as never);
    const page = await fetch(`${base}/workspace-sync/live/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("mailbox");
    const chart = await fetch(`${base}/workspace-sync/live/chart.svg`);
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('id="state:mailbox.idle"');
    const snapshot = (await (await fetch(`${base}/workspace-sync/live/api/snapshot`)).json()) as {
      state: string;
      seq: number;
    };
    expect(snapshot.state).toBe("idle");
    expect(snapshot.seq).toBeGreaterThan(1);

    // The dashboard tab's page: framed by the gateway's origin, readable from its sandboxed frame.
    expect(page.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const summary = await fetch(`${base}/workspace-sync/live/api/summary`, { headers: { origin: "null" } });
    expect(summary.headers.get("access-control-allow-origin")).toBe("null");
    expect(summary.headers.get("access-control-allow-credentials")).toBe("true");
    const said = (await summary.json()) as { lastSync: { at: string }; nextRun: { at: string } };
    expect(said).toMatchObject({
      busy: false,
      lastSync: { at: expect.any(String), tookMs: expect.any(Number) },
      nextRun: { text: "by the interval timer", at: expect.any(String) },
      problem: null,
    });
    // `interval` 0 while watching: the hourly full cycle, the watcher's safety net.
    expect(Date.parse(said.nextRun.at) - Date.parse(said.lastSync.at)).toBe(3600_000);
  });
});
