/**
 * An unreachable remote fails fast, in plain words: a closed port on 127.0.0.1 for S3 and SFTP, through
 * `sync`, `list`, `backup list` and the wizard's dry run. Each must end within the 15 s with the
 * endpoint and the config key to check; the time to the error is printed, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { freePort } from "../support/servers.js";
import { configure, unreachableS3 } from "./support.js";

let box: Sandbox;
let port: number;
beforeAll(async () => {
  box = await createSandbox();
  // A port that was free a moment ago: nothing listens there, so a connection is refused.
  port = await freePort();
});
afterAll(async () => {
  await box.cleanup();
});

const remotes = {
  s3: (p: number) => unreachableS3(`http://127.0.0.1:${p}`),
  sftp: (p: number) => ({
    provider: "custom",
    custom: {
      rcloneType: "sftp",
      // `rclone obscure wsync` (any obscured value will do: nothing answers).
      rcloneOptions: {
        host: "127.0.0.1",
        port: String(p),
        user: "wsync",
        pass: "QFa4njNclhvB7F3vTkArHkSE-wwf",
      },
    },
    backup: { enabled: true, encrypt: false },
  }),
};
const keys = { s3: "s3.endpoint", sftp: "custom.rcloneOptions.host" };

describe.each(["s3", "sftp"] as const)("a closed port for %s", (kind) => {
  beforeAll(async () => {
    await configure(box, remotes[kind](port));
  });

  it.each(["sync", "list", "backup list"])("%s fails naming the endpoint and the key", async (command) => {
    const argv = command.split(" ");
    const began = performance.now();
    const result = await box.cli(...argv);
    const seconds = (performance.now() - began) / 1000;
    console.log(`${kind} ${command}: error after ${seconds.toFixed(1)} s`);
    const said = result.stderr + result.stdout;
    expect(result.code).toBe(1);
    expect(said).toContain(`connection refused at 127.0.0.1:${port}`);
    expect(said).toContain(keys[kind]);
    expect(said).not.toContain("not-a-real-secret");
    // A one-shot command retries nothing by itself: it never says "will be retried".
    expect(said).not.toMatch(/will be retried/);
  });
});
