/** A pass-through that counts bytes and hashes them (sha256, and md5 when asked) as they flow. */
import { createHash, type Hash } from "node:crypto";
import { Transform } from "node:stream";

export interface Measured {
  bytes: number;
  sha256: string;
  md5?: string;
}

export interface Meter {
  stream: Transform;
  /** Read once the stream has ended. */
  result(): Measured;
}

export function meter(options: { md5?: boolean } = {}): Meter {
  const sha256 = createHash("sha256");
  const md5: Hash | null = options.md5 ? createHash("md5") : null;
  let bytes = 0;
  let digest: Measured | null = null;
  const stream = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      sha256.update(chunk);
      md5?.update(chunk);
      callback(null, chunk);
    },
  });
  return {
    stream,
    result() {
      digest ??= { bytes, sha256: sha256.digest("hex"), ...(md5 ? { md5: md5.digest("hex") } : {}) };
      return digest;
    },
  };
}
