/**
 * Failures reach the user, in the real gateway: an SFTP remote that stops answering fails three syncs in
 * a row before anyone has chatted (so OpenClaw has no stored session yet); OpenClaw's `health` then lists
 * the plugin's service failure, and the agent's first turn (a real turn, on the scripted model) carries
 * the alert, once. The server comes back: one success clears the health failure and the next turn hears
 * of the recovery, once. With `notifyOnInbox: "nextTurn"`, files a drain brings are listed in the turn
 * after, and no turn is started for them.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../daemon/helpers.js";
import { scriptedModelConfig } from "../support/model-server.js";
import { testEnv } from "../support/sandbox.js";
import { startSftpServer, type TestRemote } from "../support/servers.js";
import { AgentWorld, count } from "./agent-world.js";
import { installPlugin } from "./harness.js";

const run = promisify(execFile);

/** Upload a file into the remote's `openclaw-share` folder through the test server. */
async function rcloneCopyTo(remote: TestRemote, file: string, to: string): Promise<void> {
  await run("rclone", ["copyto", file, `${remote.root()}/${to}`, "--config", remote.rcloneConfig], {
    env: testEnv(),
  });
}

describe("failures reach the user in the real OpenClaw gateway", () => {
  let world: AgentWorld;
  let sftp: TestRemote | null = null;

  beforeAll(async () => {
    world = await AgentWorld.create("alerts");
    await writeFile(join(world.stateDir, "workspace", "shared", "notes.md"), "# notes\n");
  });

  afterAll(async () => {
    await world?.close();
    await sftp?.stop();
  });

  it("three failed syncs: health and the next turn told once; recovery told once; arrivals listed", async () => {
    const started = Date.now();
    const { root, model } = world;
    const cloud = join(root, "sftp");
    sftp = await startSftpServer(cloud);
    // cast: startSftpServer's config is { provider: "custom", custom: { rcloneType, rcloneOptions } }
    const port = Number((sftp.config.custom as { rcloneOptions: { port: string } }).rcloneOptions.port);
    await installPlugin(
      world.stateDir,
      {
        mode: "mailbox",
        ...sftp.config,
        // No watcher: its start-up cycle would be a failure of its own before the three counted here.
        watch: false,
        timeout: 60,
        retry: { attempts: 1, delay: 0.1 },
        alertAfterFailures: 3,
        notifyOnInbox: "nextTurn",
        outboxSettleSeconds: 0,
      },
      scriptedModelConfig(model.baseUrl),
    );
    await sftp.stop(); // unreachable from here on
    sftp = null;
    const gateway = await world.start();

    // No one has chatted: OpenClaw has no stored session to queue a note into yet.
    for (let i = 0; i < 3; i++) expect((await world.sync())?.result.verdict).toBe("failed");
    const failing = await world.health();
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/failed 3 times in a row/);
    // Told once: the first turn carries the alert; a later one is not given it again (its history may
    // repeat the earlier turn, so it holds no more copies than that turn did).
    const alert = "workspace-sync alert";
    const first = await world.turn("hello");
    expect(count(first, alert), first.slice(0, 3000)).toBeGreaterThan(0);
    expect((await world.sync())?.result.verdict).toBe("failed"); // a fourth: the same incident
    expect(count(await world.turn("and now?"), alert)).toBeLessThanOrEqual(count(first, alert));

    sftp = await startSftpServer(cloud, { port });
    expect((await world.sync())?.result.verdict).toBe("done");
    expect(await world.health()).toEqual([]);
    const works = "works again";
    const recovered = await world.turn("how is the sync?");
    expect(count(recovered, works)).toBeGreaterThan(0);
    expect(count(await world.turn("thanks"), works)).toBeLessThanOrEqual(count(recovered, works));

    // notifyOnInbox "nextTurn": a drain's arrivals are listed in the next turn, and start no turn.
    // Through the server, as a peer would (rclone serve caches listings: a file written beside it stays unseen).
    await writeFile(join(root, "report.pdf"), "pdf");
    await rcloneCopyTo(sftp, join(root, "report.pdf"), "_outbox/report.pdf");
    const requests = model.requests.length;
    expect((await world.sync())?.result.verdict).toBe("done");
    const arrived = "1 new file arrived in the workspace _inbox: report.pdf";
    await eventually(
      () => gateway.output().includes("workspace-sync:inbox:") || undefined,
      "the note logged",
      30_000,
    );
    expect(model.requests.length).toBe(requests); // no wake-up: nothing asked the model
    expect(count(await world.turn("anything new?"), arrived)).toBeGreaterThan(0);
    console.log(`alerts: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
