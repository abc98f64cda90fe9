/**
 * A failure incident open across a gateway restart, in the real gateway: an SFTP remote that stops
 * answering fails three syncs before anyone has chatted, so the alert waits on disk as a next-turn note.
 * The gateway is killed (SIGKILL: nothing saved at the end) and started again. OpenClaw's `health` lists
 * the incident again (rebuilt from the event log), a fourth failure adds no second alert, and the first
 * sync once the server is back clears the health failure and tells the recovery once: the first turn
 * carries the alert and the recovery, the turn after holds no more copies of either.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../daemon/helpers.js";
import { scriptedModelConfig } from "../support/model-server.js";
import { startSftpServer, type TestRemote } from "../support/servers.js";
import { AgentWorld, count } from "./agent-world.js";
import { installPlugin } from "./harness.js";

describe("a failure incident across a gateway restart", () => {
  let world: AgentWorld;
  let sftp: TestRemote | null = null;

  beforeAll(async () => {
    world = await AgentWorld.create("alerts-restart");
    await writeFile(join(world.stateDir, "workspace", "shared", "notes.md"), "# notes\n");
  });

  afterAll(async () => {
    await world?.close();
    await sftp?.stop();
  });

  it("health lists it after the restart, a fourth failure tells nothing, the recovery is told once", async () => {
    const started = Date.now();
    const cloud = join(world.root, "sftp");
    sftp = await startSftpServer(cloud);
    // cast: startSftpServer's config is { provider: "custom", custom: { rcloneType, rcloneOptions } }
    const port = Number((sftp.config.custom as { rcloneOptions: { port: string } }).rcloneOptions.port);
    await installPlugin(
      world.stateDir,
      {
        mode: "mailbox",
        ...sftp.config,
        // No watcher: its start-up cycle would be a failure of its own beside the ones counted here.
        watch: false,
        timeout: 60,
        retry: { attempts: 1, delay: 0.1 },
        alertAfterFailures: 3,
      },
      scriptedModelConfig(world.model.baseUrl),
    );
    await sftp.stop(); // unreachable from here on
    sftp = null;
    await world.start();

    for (let i = 0; i < 3; i++) expect((await world.sync())?.result.verdict).toBe("failed");
    expect(await world.health()).toEqual([expect.stringMatching(/failed 3 times in a row/)]);
    const alerts = await eventually(async () => {
      const keys = await world.waitingKeys();
      return keys.length > 0 ? keys : undefined;
    }, "the alert waiting on disk");
    expect(alerts).toEqual([expect.stringMatching(/^workspace-sync:incident:/)]);

    const gateway = await world.restartHard();
    await eventually(
      () => gateway.output().includes("open since before this start (not told again)") || undefined,
      "the incident rebuilt from the log",
      60_000,
    );
    const after = await world.health();
    expect(after, "health after the restart").toEqual([expect.stringMatching(/failed 3 times in a row/)]);

    expect((await world.sync())?.result.verdict).toBe("failed"); // a fourth: the same incident
    expect(await world.waitingKeys()).toEqual(alerts); // no second alert

    sftp = await startSftpServer(cloud, { port });
    expect((await world.sync())?.result.verdict).toBe("done");
    expect(await world.health()).toEqual([]);
    const recovered = alerts.map((key) => key.replace(":incident:", ":recovered:"));
    await eventually(
      async () => (await world.waitingKeys()).length === 2 || undefined,
      "the recovery waiting on disk",
    );
    expect(await world.waitingKeys()).toEqual([...alerts, ...recovered]);

    const first = await world.turn("hello");
    const alert = "workspace-sync alert";
    const works = "works again";
    expect(count(first, alert), first.slice(0, 3000)).toBeGreaterThan(0);
    expect(count(first, works), first.slice(0, 3000)).toBeGreaterThan(0);
    await eventually(async () => (await world.waitingKeys()).length === 0, "the notes let go once queued");
    const second = await world.turn("thanks");
    expect(count(second, alert)).toBeLessThanOrEqual(count(first, alert));
    expect(count(second, works)).toBeLessThanOrEqual(count(first, works));
    console.log(`alerts across a restart: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
