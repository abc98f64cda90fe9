/**
 * An https S3 endpoint served by a plain HTTP server (node:http on 127.0.0.1): `sync`, `list` and
 * `backup now` each fail in plain words naming the endpoint and its key, with the fix (http:// against
 * https://), promise no retry, and never show the secret; a custom WebDAV block names its own key. The time
 * to the error is printed, never asserted.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { configure, unreachableS3 } from "./support.js";

let box: Sandbox;
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(400, { "content-type": "text/plain" });
    response.end("plain HTTP here\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // listen() on a TCP port always gives an AddressInfo (a string only for a pipe or socket path).
  const { port } = server.address() as AddressInfo;
  endpoint = `127.0.0.1:${port}`;
  box = await createSandbox();
  await configure(box, unreachableS3(`https://${endpoint}`));
});
afterAll(async () => {
  await box.cleanup();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("an https endpoint that answers in plain HTTP", () => {
  it.each(["sync", "list", "backup now"])("%s fails naming it, the key and the fix", async (command) => {
    const began = performance.now();
    const result = await box.cli(...command.split(" "));
    const seconds = (performance.now() - began) / 1000;
    console.log(`plain HTTP on https, ${command}: error after ${seconds.toFixed(1)} s`);
    const text = result.stderr + result.stdout;
    expect(result.code).toBe(1);
    expect(text).toContain(`answered in plain HTTP, not TLS (https): ${endpoint}`);
    expect(text).toContain("check `s3.endpoint`");
    expect(text).toMatch(/http:\/\//);
    expect(text).not.toContain("not-a-real-secret");
    expect(text).not.toMatch(/will be retried/);
  });
});

describe("a custom WebDAV block whose https url answers in plain HTTP", () => {
  it.each(["sync", "list"])("%s names the custom block's key", async (command) => {
    const custom = await createSandbox();
    try {
      await configure(custom, {
        provider: "custom",
        custom: { rcloneType: "webdav", rcloneOptions: { url: `https://${endpoint}/dav`, vendor: "other" } },
      });
      const result = await custom.cli(command);
      const text = result.stderr + result.stdout;
      expect(result.code).toBe(1);
      expect(text).toContain(`answered in plain HTTP, not TLS (https): ${endpoint}`);
      expect(text).toContain("check `custom.rcloneOptions.url`");
      expect(text).not.toMatch(/will be retried/);
    } finally {
      await custom.cleanup();
    }
  });
});
