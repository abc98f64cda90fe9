/**
 * Opening the original plugin's snapshots: `openssl enc -aes-256-cbc -salt -pbkdf2 -iter 100000` with its
 * default digest (sha256) over `tar cz`. The object starts with OpenSSL's header, `Salted__` and an 8-byte
 * salt; key and IV are the 48 bytes PBKDF2-HMAC-SHA256(passphrase, salt, 100000) gives. Done with node:crypto
 * rather than by running `openssl enc -d`: the passphrase never goes to another process (the original put
 * it in a child's environment), it needs no `openssl` on the machine, and the failure is ours to name: a
 * wrong passphrase is told from a damaged object by the first plaintext bytes (gzip's magic), before
 * anything is written. CBC has no authentication: a wrong key is caught there or by the final padding.
 */
import { createDecipheriv, type Decipher, pbkdf2 } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { promisify } from "node:util";

/** The original's exact parameters (its `src/backup-manager.ts`, v2.4.1). */
export const originalCipher = { algorithm: "aes-256-cbc", digest: "sha256", iterations: 100_000 } as const;

const magic = Buffer.from("Salted__");
const headerBytes = magic.length + 8;
const gzipMagic = [0x1f, 0x8b];

export class WrongPassphraseError extends Error {
  override readonly name = "WrongPassphraseError";
}

export class NotOpensslError extends Error {
  override readonly name = "NotOpensslError";
}

async function keyAndIv(passphrase: string, salt: Buffer): Promise<{ key: Buffer; iv: Buffer }> {
  const { digest, iterations } = originalCipher;
  const bytes = await promisify(pbkdf2)(passphrase, salt, iterations, 48, digest);
  return { key: bytes.subarray(0, 32), iv: bytes.subarray(32, 48) };
}

/**
 * Decrypts an `openssl enc -pbkdf2` stream. Errors with WrongPassphraseError when the plaintext does not
 * start as gzip (`expectGzip`), NotOpensslError without the `Salted__` header.
 */
export class OpensslDecrypt extends Transform {
  readonly #passphrase: string;
  readonly #expectGzip: boolean;
  #head: Buffer = Buffer.alloc(0);
  #decipher: Decipher | null = null;
  #checked = false;
  #first: Buffer = Buffer.alloc(0);

  constructor(passphrase: string, options: { expectGzip?: boolean } = {}) {
    super();
    this.#passphrase = passphrase;
    this.#expectGzip = options.expectGzip ?? true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#decipher) {
      this.#emit(this.#decipher.update(chunk), callback);
      return;
    }
    this.#head = Buffer.concat([this.#head, chunk]);
    if (this.#head.length < headerBytes) {
      callback();
      return;
    }
    if (!this.#head.subarray(0, magic.length).equals(magic)) {
      callback(new NotOpensslError("it does not start with OpenSSL's Salted__ header"));
      return;
    }
    const salt = Buffer.from(this.#head.subarray(magic.length, headerBytes));
    const rest = this.#head.subarray(headerBytes);
    this.#head = Buffer.alloc(0);
    keyAndIv(this.#passphrase, salt).then(({ key, iv }) => {
      this.#decipher = createDecipheriv(originalCipher.algorithm, key, iv);
      this.#emit(this.#decipher.update(rest), callback);
    }, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.#decipher) {
      callback(new NotOpensslError("it is shorter than OpenSSL's header"));
      return;
    }
    let last: Buffer;
    try {
      last = this.#decipher.final();
    } catch {
      callback(
        this.#checked
          ? new Error("its last block does not decrypt (bad padding): the object is cut or damaged")
          : new WrongPassphraseError("the passphrase does not open it"),
      );
      return;
    }
    this.#emit(last, (error, data) => {
      if (error) {
        callback(error);
        return;
      }
      if (data) this.push(data);
      // A gzip stream is at least 18 bytes: a plaintext too short to check is not the original's.
      callback(this.#checked ? null : new WrongPassphraseError("the passphrase does not open it"));
    });
  }

  #verdict(): Error | null {
    this.#checked = true;
    const ok = !this.#expectGzip || gzipMagic.every((byte, i) => this.#first[i] === byte);
    return ok ? null : new WrongPassphraseError("the passphrase does not open it");
  }

  #emit(plain: Buffer, callback: TransformCallback): void {
    if (this.#checked) {
      callback(null, plain);
      return;
    }
    this.#first = Buffer.concat([this.#first, plain]);
    if (this.#first.length < gzipMagic.length) {
      callback();
      return;
    }
    const error = this.#verdict();
    if (error) {
      callback(error);
      return;
    }
    const out = this.#first;
    this.#first = Buffer.alloc(0);
    callback(null, out);
  }
}
