/**
 * Chat commands in the real gateway: `/sync`, `/sync status`, `/backup now`, `/backup list` sent as chat
 * messages (as the Control UI sends them) are answered by the plugin, and the scripted model configured as
 * the agent's model records no request for any of them. A plain message afterwards does reach it, which
 * shows the model was wired. The same gateway advertises the live page as a dashboard tab and serves it
 * behind its own auth, framable by its origin and readable from the tab's sandboxed frame.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelServer, scriptedModelConfig, startModelServer } from "../support/model-server.js";
import { type Gateway, gatewayToken, installPlugin, runGateway } from "./harness.js";
import { installed } from "./openclaw.js";

describe("chat commands in the real OpenClaw gateway", () => {
  let root: string;
  let stateDir: string;
  let workspace: string;
  let cloud: string;
  let model: ModelServer;
  let gateway: Gateway | null = null;

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-cmd-"));
    stateDir = join(root, "oc");
    workspace = join(stateDir, "workspace");
    cloud = join(root, "cloud");
    await mkdir(join(workspace, "shared"), { recursive: true });
    await writeFile(join(workspace, "shared", "notes.md"), "# from the agent\n");
    model = await startModelServer();
  });

  afterAll(async () => {
    gateway?.stop();
    await model?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("answers /sync, /sync status, /backup now and /backup list without asking the model", async () => {
    const started = Date.now();
    await installPlugin(
      stateDir,
      {
        mode: "mailbox",
        provider: "local",
        local: { path: cloud },
        backup: { enabled: true, passphrase: "chat-commands-e2e" },
      },
      scriptedModelConfig(model.baseUrl),
    );
    gateway = await runGateway(stateDir, join(stateDir, "workspace-sync"));
    expect(gateway.hello.units.map((u) => u.label)).toContain(workspace);

    const synced = await gateway.chat("/sync");
    // The watcher (on by default) started in the gateway from the package as npm installs it: the bundle's
    // watcher code and the native binary, an optional dependency, from OpenClaw's copy of the plugin.
    expect(gateway.output()).not.toMatch(/watcher on .* failed/);
    expect(synced).toMatch(/^Synced in [\d.]+ s\./);
    expect(await readFile(join(cloud, "openclaw-share", "notes.md"), "utf8")).toBe("# from the agent\n");

    const status = await gateway.chat("/sync status");
    expect(status).toMatch(/^Sync idle \(mailbox, local\)/);
    expect(status).toContain("Nothing is wrong.");

    const backup = await gateway.chat("/backup now");
    const id = /^Backed up (\S+): \d+ files/.exec(backup)?.[1];
    expect(id, backup).toBeDefined();
    const list = await gateway.chat("/backup list");
    expect(list).toContain(`${id}  `);

    expect(model.requests).toEqual([]);
    console.log(
      `chat commands: ${Math.round((Date.now() - started) / 1000)} s for install, start and 4 commands`,
    );

    // The model is wired: a plain message reaches it.
    const answer = await gateway.chat("hello there", { timeoutMs: 180_000 });
    expect(answer).toContain("scripted model reply");
    expect(model.requests.length).toBeGreaterThan(0);
  });

  it("registers the live page as a dashboard tab, served behind the gateway's auth", async () => {
    if (gateway === null) throw new Error("the gateway did not start (see the first test)");
    const ui = await gateway.call("plugins.uiDescriptors", {});
    expect(ui).toMatchObject({
      controlUiTabs: expect.arrayContaining([
        expect.objectContaining({
          pluginId: "openclaw-workspace-sync",
          id: "workspace-sync-live",
          label: "Workspace sync",
          path: "/workspace-sync/live",
          requiresGatewayAuth: true,
        }),
      ]),
    });
    const base = `http://127.0.0.1:${gateway.port}/workspace-sync/live`;
    expect((await fetch(`${base}/`)).status).toBe(401);
    const auth = { authorization: `Bearer ${gatewayToken}` };
    const page = await fetch(`${base}/`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(await page.text()).toContain('id="summary"');
    const summary = await fetch(`${base}/api/summary`, { headers: { ...auth, origin: "null" } });
    expect(summary.status).toBe(200);
    expect(summary.headers.get("access-control-allow-origin")).toBe("null");
    expect(await summary.json()).toMatchObject({
      busy: false,
      problem: null,
      lastSync: { tookMs: expect.any(Number) },
    });
  });
});
