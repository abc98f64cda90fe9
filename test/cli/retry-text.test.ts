/**
 * A one-shot `sync` (no daemon) retries nothing once it exits, so its failure never says that something will
 * retry it: it says what the person can do. A closed port on 127.0.0.1 through a real S3 remote.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { freePort } from "../support/servers.js";

let box: Sandbox;
beforeAll(async () => {
  box = await createSandbox();
  const port = await freePort();
  await writeFile(
    box.configPath,
    JSON.stringify({
      mode: "mailbox",
      provider: "s3",
      s3: {
        endpoint: `http://127.0.0.1:${port}`,
        bucket: "wsync-test",
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "not-a-real-secret",
        provider: "Other",
      },
    }),
  );
});
afterAll(async () => {
  await box.cleanup();
});

describe("a one-shot sync that fails", () => {
  it("says to run sync again or start the daemon, and promises no retry", async () => {
    const result = await box.cli("sync");
    const said = result.stderr + result.stdout;
    expect(result.code).toBe(1);
    expect(said).toContain("sync did not finish: ");
    expect(said).toContain("connection refused");
    expect(said).toContain(
      "nothing retries it now: run workspace-sync sync again, or start the daemon (workspace-sync daemon)",
    );
    expect(said).not.toMatch(/the daemon retries it|will be retried|retries it on its backoff/);
  });
});
