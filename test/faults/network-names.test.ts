/**
 * A host name that does not resolve (`.invalid` never does, RFC 6761), beside the closed port of
 * network.test.ts: `sync`, `list` and `backup now` each fail in plain words naming the endpoint's key, and
 * promise no retry; the time to the error is printed, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../support/sandbox.js";
import { configure, unreachableS3 } from "./support.js";

let box: Sandbox;
beforeAll(async () => {
  box = await createSandbox();
  await configure(box, unreachableS3("http://no-such-host.invalid"));
});
afterAll(async () => {
  await box.cleanup();
});

describe("an unresolvable host name", () => {
  it.each(["sync", "list", "backup now"])("%s fails naming it and the key", async (command) => {
    const began = performance.now();
    const result = await box.cli(...command.split(" "));
    const seconds = (performance.now() - began) / 1000;
    console.log(`unresolvable host, ${command}: error after ${seconds.toFixed(1)} s`);
    const text = result.stderr + result.stdout;
    expect(result.code).toBe(1);
    expect(text).toContain("host name not found (DNS): no-such-host.invalid");
    expect(text).toContain("s3.endpoint");
    expect(text).not.toContain("not-a-real-secret");
    expect(text).not.toMatch(/will be retried/);
  });
});
