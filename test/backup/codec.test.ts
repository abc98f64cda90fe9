/**
 * The stream stages at their edges: age sealing (header by age-encryption, payload by Node's cipher) opens
 * with age-encryption at every chunk boundary; parallel gzip gunzips to the same bytes; a stage program
 * that fails errors the stream.
 */
import { randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { describe, expect, it } from "vitest";
import { decryptStream, encryptStage } from "../../src/backup/codec/age.js";
import { programStage } from "../../src/backup/codec/compression.js";
import { ParallelGzip } from "../../src/backup/codec/parallel-gzip.js";

async function through(input: Buffer, stage: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += 50_000) pieces.push(input.subarray(i, i + 50_000));
  await pipeline(
    Readable.from(pieces),
    stage,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

async function collect(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

describe("codec stages", () => {
  const sizes = [0, 1, 65_535, 65_536, 65_537, 131_072, 131_073, 300_001];

  it.each(sizes)("seals %i bytes to an age file age-encryption opens", async (size) => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const plain = randomBytes(size);
    const sealed = await through(plain, await encryptStage("age-recipients", { recipients: [recipient] }));
    expect(sealed.subarray(0, 22).toString()).toBe("age-encryption.org/v1\n");
    const opened = await collect(await decryptStream(Readable.from([sealed]), { identities: [identity] }));
    expect(opened.equals(plain)).toBe(true);
  });

  it("seals with a passphrase (native scrypt) that age-encryption opens, and refuses a cut file", async () => {
    const plain = randomBytes(70_000);
    const sealed = await through(plain, await encryptStage("age-passphrase", { passphrase: "pass phrase" }));
    expect(sealed.toString("latin1")).toMatch(/-> scrypt [A-Za-z0-9+/]{22} 18\n/);
    const opened = await collect(await decryptStream(Readable.from([sealed]), { passphrase: "pass phrase" }));
    expect(opened.equals(plain)).toBe(true);
    // Cut at a chunk boundary: the last chunk is not marked last, so opening fails.
    const cutAtChunk = sealed.subarray(0, sealed.length - (70_000 - 65_536 + 16));
    await expect(
      collect(await decryptStream(Readable.from([cutAtChunk]), { passphrase: "pass phrase" })),
    ).rejects.toThrow();
  });

  it.each([0, 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 5])(
    "gzips %i bytes in parallel blocks that gunzip to the same bytes",
    async (size) => {
      const plain = Buffer.concat([
        randomBytes(Math.floor(size / 2)),
        Buffer.alloc(size - Math.floor(size / 2), "a"),
      ]);
      const packed = await through(plain, new ParallelGzip(6));
      expect(gunzipSync(packed).equals(plain)).toBe(true);
    },
  );

  it("errors the stream when a stage program fails", async () => {
    await expect(
      through(Buffer.from("x"), programStage("sh", ["-c", "cat >/dev/null; echo broken >&2; exit 3"])),
    ).rejects.toThrow(/sh exited with 3: broken/);
  });
});
