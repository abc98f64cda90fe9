/**
 * The writing side of age, fast: npm `age-encryption` writes the header (recipient stanzas, header MAC)
 * and picks the file key; the payload — age's STREAM of 64 KiB ChaCha20-Poly1305 chunks — is sealed with
 * Node's own (OpenSSL) ChaCha20-Poly1305, about ten times the pure-JS cipher's speed. The passphrase
 * stanza is computed with Node's native scrypt, off the event loop. Output is plain age: the `age` CLI
 * and `age-encryption` read it (tests check both). Reading stays with `age-encryption` (see age.ts).
 */
import { createCipheriv, hkdfSync, randomBytes, scrypt } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { Encrypter, type Recipient, Stanza } from "age-encryption";

const chunkSize = 64 * 1024;
const tagSize = 16;
/** age's default scrypt work factor (log2 N), as the `age` CLI writes it. */
export const scryptLogN = 18;

function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: tagSize });
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()]);
}

function scryptKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const label = Buffer.concat([Buffer.from("age-encryption.org/v1/scrypt"), salt]);
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    scrypt(
      passphrase.normalize("NFC"),
      label,
      32,
      { N, r: 8, p: 1, maxmem: 2 * 128 * 8 * N },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** The `scrypt` stanza, as age's spec defines it, with native scrypt. */
function passphraseRecipient(passphrase: string): Recipient {
  return {
    async wrapFileKey(fileKey) {
      const salt = randomBytes(16);
      const key = await scryptKey(passphrase, salt, scryptLogN);
      const args = ["scrypt", salt.toString("base64").replace(/=+$/, ""), String(scryptLogN)];
      return [new Stanza(args, seal(key, new Uint8Array(12), fileKey))];
    },
  };
}

export interface SealedStart {
  /** The age header and the payload nonce: the first bytes of the file. */
  prefix: Buffer;
  /** The payload key (HKDF of the file key and the nonce). */
  streamKey: Buffer;
}

/** The header and payload key of a new age file for a passphrase, or for recipients (`age1...`). */
export async function startAgeFile(to: {
  passphrase?: string;
  recipients?: readonly string[];
}): Promise<SealedStart> {
  const encrypter = new Encrypter();
  if (to.passphrase) encrypter.addRecipient(passphraseRecipient(to.passphrase));
  else for (const recipient of to.recipients ?? []) encrypter.addRecipient(recipient);
  const captured: { fileKey?: Uint8Array } = {};
  // Adds no stanza: it only learns the file key the header was made for.
  encrypter.addRecipient({
    wrapFileKey(fileKey) {
      captured.fileKey = fileKey;
      return [];
    },
  });
  // An empty file: its header and nonce are what we need; its one empty final chunk (a tag) is dropped.
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  if (!captured.fileKey) throw new Error("age-encryption gave no file key");
  const prefix = empty.subarray(0, empty.length - tagSize);
  const nonce = prefix.subarray(prefix.length - 16);
  const streamKey = Buffer.from(hkdfSync("sha256", captured.fileKey, nonce, "payload", 32));
  return { prefix: Buffer.from(prefix), streamKey };
}

/** age's STREAM: 64 KiB chunks, nonce = 11-byte big-endian counter ‖ last-chunk flag. */
export class AgePayloadSeal extends Transform {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #counter = 0n;
  #prefix: Buffer | null;

  constructor(private readonly start: SealedStart) {
    super({ highWaterMark: 1024 * 1024 });
    this.#prefix = start.prefix;
  }

  #nonce(last: boolean): Buffer {
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64BE(this.#counter & 0xffff_ffff_ffff_ffffn, 3);
    nonce.writeUInt8(Number((this.#counter >> 64n) & 0xffn), 2);
    nonce[11] = last ? 1 : 0;
    this.#counter++;
    return nonce;
  }

  #emit(out: Buffer[]): void {
    if (this.#prefix) {
      out.unshift(this.#prefix);
      this.#prefix = null;
    }
    if (out.length > 0) this.push(out.length === 1 ? out[0] : Buffer.concat(out));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    // A full chunk is sealed as "not last" only once more data follows it.
    if (this.#pendingBytes <= chunkSize) {
      callback();
      return;
    }
    let data = Buffer.concat(this.#pending);
    const out: Buffer[] = [];
    while (data.length > chunkSize) {
      out.push(seal(this.start.streamKey, this.#nonce(false), data.subarray(0, chunkSize)));
      data = data.subarray(chunkSize);
    }
    this.#pending = [data];
    this.#pendingBytes = data.length;
    this.#emit(out);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const rest = Buffer.concat(this.#pending);
    this.#emit([seal(this.start.streamKey, this.#nonce(true), rest)]);
    callback();
  }
}
