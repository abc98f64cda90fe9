/**
 * Config reload in the real gateway: an edit of the plugin's config restarts the service with the new
 * config (the gateway keeps running); an edit that moves `remotePath` runs a dry run and holds real
 * cycles until `/sync confirm` is sent in chat.
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost } from "../../src/ipc/client.js";
import type { HelloResult } from "../../src/ipc/protocol.js";
import { eventually } from "../daemon/helpers.js";
import {
  editConfig,
  type Gateway,
  installPlugin,
  keepGatewayLog,
  runGateway,
  setPluginConfig,
} from "./harness.js";
import { installed } from "./openclaw.js";

describe("config reload in the real OpenClaw gateway", () => {
  let root: string;
  let stateDir: string;
  let ourState: string;
  let cloud: string;
  let gateway: Gateway | null = null;

  beforeAll(async () => {
    if (!installed())
      throw new Error("OpenClaw is not installed: run `bash scripts/install-openclaw.sh` first");
    root = await mkdtemp(join(tmpdir(), "ocs-reload-"));
    stateDir = join(root, "oc");
    ourState = join(stateDir, "workspace-sync");
    cloud = join(root, "cloud");
    await mkdir(join(stateDir, "workspace", "shared"), { recursive: true });
    await writeFile(join(stateDir, "workspace", "shared", "notes.md"), "# notes\n");
  });

  afterAll(async () => {
    if (gateway) await keepGatewayLog(gateway, "reload");
    gateway?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const hello = async () =>
    (await callHost<HelloResult>(ourState, { op: "hello" }).catch(() => null))?.result;

  /** Edit the plugin config on disk and wait for the service to come back started anew. */
  async function reconfigure(config: Record<string, unknown>): Promise<void> {
    const before = (await hello())?.startedAt;
    await editConfig(stateDir, (c) => setPluginConfig(c, config));
    await eventually(
      async () => {
        const now = await hello();
        return now !== undefined && now.startedAt !== before;
      },
      "the service restarted with the new config",
      120_000,
    );
  }

  it("applies an edit without a gateway restart, and holds a moved remotePath until /sync confirm", async () => {
    const started = Date.now();
    const base = { mode: "mailbox", provider: "local", local: { path: cloud } };
    await installPlugin(stateDir, base);
    gateway = await runGateway(stateDir, ourState);
    const gatewayPid = gateway.child.pid;
    expect(await gateway.chat("/sync")).toMatch(/^Synced/);

    await reconfigure({ ...base, alertAfterFailures: 5 });
    expect(gateway.child.exitCode).toBeNull();
    expect(gateway.child.pid).toBe(gatewayPid);
    expect(await gateway.chat("/sync")).toMatch(/^Synced/);

    await reconfigure({ ...base, remotePath: "moved-share" });
    await eventually(() => gateway?.output().includes("Real syncs are on hold"), "the hold logged", 60_000);
    const held = await gateway.chat("/sync");
    expect(held).toContain('remotePath "openclaw-share" → "moved-share"');
    expect(held).toContain("Dry run:");
    await expect(access(join(cloud, "moved-share", "notes.md"))).rejects.toThrow();
    expect(await gateway.chat("/sync confirm")).toMatch(/^Confirmed/);
    expect(await gateway.chat("/sync")).toMatch(/^Synced/);
    expect(await readFile(join(cloud, "moved-share", "notes.md"), "utf8")).toBe("# notes\n");
    console.log(`reload: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
