/** docs/architecture.md's layer graph equals what `npm run docs:architecture` draws from the rules and the code. */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { architectureDoc, block, embedded, layers } from "../../scripts/architecture.js";

describe("the architecture doc", () => {
  it("draws the layers of .dependency-cruiser.cjs as the code imports them (run npm run docs:architecture)", async () => {
    const text = await readFile(architectureDoc, "utf8");
    expect(embedded(text)).toBe(block());
  });

  it("names every layer in its table", async () => {
    const text = await readFile(architectureDoc, "utf8");
    for (const [name] of layers()) expect(text).toContain(`\`${name}\``);
  });
});
