/**
 * Next-turn notes that wait for a session, in the real gateway: a drain brings a file before anyone has
 * chatted (`notifyOnInbox: "nextTurn"`, so OpenClaw has no stored session to queue the note into); the
 * note waits, on disk. The gateway is killed (SIGKILL: no chance to save anything at the end) and started
 * again; the first turn after the restart (a real turn, on the scripted model) carries the note, and the
 * turn after holds no more copies of it than the first did (only its history repeats it).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../daemon/helpers.js";
import { scriptedModelConfig } from "../support/model-server.js";
import { AgentWorld, count } from "./agent-world.js";
import { installPlugin } from "./harness.js";

describe("a next-turn note waiting across a gateway restart", () => {
  let world: AgentWorld;

  beforeAll(async () => {
    world = await AgentWorld.create("next-turn");
    await mkdir(join(world.root, "cloud", "openclaw-share", "_outbox"), { recursive: true });
  });

  afterAll(async () => {
    await world?.close();
  });

  it("reaches the first turn after the restart, once", async () => {
    const started = Date.now();
    const { root, model } = world;
    await installPlugin(
      world.stateDir,
      {
        mode: "mailbox",
        provider: "local",
        local: { path: join(root, "cloud") },
        watch: false,
        notifyOnInbox: "nextTurn",
        outboxSettleSeconds: 0,
      },
      scriptedModelConfig(model.baseUrl),
    );
    await world.start();
    await writeFile(join(root, "cloud", "openclaw-share", "_outbox", "report.pdf"), "pdf");
    expect((await world.sync())?.result.verdict).toBe("done");
    // No one has chatted: the note waits, and is on disk before the gateway dies.
    const keys = await eventually(async () => {
      const found = await world.waitingKeys();
      return found.length > 0 ? found : undefined;
    }, "the waiting note on disk");
    expect(keys).toEqual([expect.stringMatching(/^workspace-sync:inbox:/)]);
    expect(model.requests).toHaveLength(0);

    const gateway = await world.restartHard();
    await eventually(
      () => gateway.output().includes("next-turn note(s) still wait for a session") || undefined,
      "the note reloaded",
      60_000,
    );

    const arrived = "1 new file arrived in the workspace _inbox: report.pdf";
    const first = await world.turn("hello again");
    expect(count(first, arrived), first.slice(0, 3000)).toBeGreaterThan(0);
    await eventually(async () => (await world.waitingKeys()).length === 0, "the note let go once queued");
    expect(count(await world.turn("anything else?"), arrived)).toBeLessThanOrEqual(count(first, arrived));
    console.log(`next-turn restart: ${Math.round((Date.now() - started) / 1000)} s`);
  });
});
