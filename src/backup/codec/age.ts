/**
 * age encryption (the format the `age` CLI reads) as Node stream stages: sealing in age-seal.ts, opening
 * with npm `age-encryption`. Recipients (`age1...`) let the backup host hold only public keys; a
 * passphrase costs one scrypt (native when sealing; about 2 s in JS when opening). Decryption authenticates every 64 KiB chunk and the end of the
 * stream: a flipped byte or a cut object errors the stream.
 */
import { readFile } from "node:fs/promises";
import { type Duplex, Readable } from "node:stream";
import type { ReadableStream as WebReadable } from "node:stream/web";
import { Decrypter } from "age-encryption";
import { AgePayloadSeal, startAgeFile } from "./age-seal.js";

export type EncryptionKind = "age-passphrase" | "age-recipients" | "none";

export interface EncryptionKeys {
  passphrase?: string | undefined;
  recipients?: readonly string[] | undefined;
  /** Contents of an age identity file (`AGE-SECRET-KEY-1...` lines), for decryption. */
  identities?: readonly string[] | undefined;
}

export class EncryptionConfigError extends Error {
  override readonly name = "EncryptionConfigError";
}

export function encryptionKindOf(encrypt: boolean, keys: EncryptionKeys): EncryptionKind {
  if (!encrypt) return "none";
  if (keys.passphrase) return "age-passphrase";
  if (keys.recipients && keys.recipients.length > 0) return "age-recipients";
  throw new EncryptionConfigError(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax people write
    '`backup.encrypt` is true but neither `backup.passphrase` nor `backup.recipients` is set: set one (usually `passphrase: "${BACKUP_PASSPHRASE}"`), or `encrypt: false`',
  );
}

/** The sealing stage: age's header first, then the payload (see age-seal.ts). */
export async function encryptStage(
  kind: Exclude<EncryptionKind, "none">,
  keys: EncryptionKeys,
): Promise<Duplex> {
  const start =
    kind === "age-passphrase" && keys.passphrase
      ? await startAgeFile({ passphrase: keys.passphrase })
      : await startAgeFile({ recipients: keys.recipients ?? [] });
  return new AgePayloadSeal(start);
}

/** Identities from an age identity file: every `AGE-SECRET-KEY-` line. */
export async function readIdentityFile(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith("AGE-SECRET-KEY-"));
  if (keys.length === 0)
    throw new EncryptionConfigError(`${path} holds no age identity (AGE-SECRET-KEY-...)`);
  return keys;
}

/**
 * Decrypts `source` (the ciphertext as it arrives). Resolves once the header is read and the file key
 * unwrapped (a wrong passphrase or identity rejects here); the stream errors on any later tampering.
 */
export async function decryptStream(source: Readable, keys: EncryptionKeys): Promise<Readable> {
  const decrypter = new Decrypter();
  if (keys.passphrase) decrypter.addPassphrase(keys.passphrase);
  for (const identity of keys.identities ?? []) decrypter.addIdentity(identity);
  if (!keys.passphrase && (keys.identities ?? []).length === 0) {
    throw new EncryptionConfigError(
      "this snapshot is encrypted: set `backup.passphrase`, or give the identity with `--identity FILE` or `backup.identityFile`",
    );
  }
  // cast: Node's web stream and the DOM's ReadableStream that age-encryption types against are the same object at run time
  const input = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
  const output = await decrypter.decrypt(input);
  // cast: the same two stream types the other way round
  return Readable.fromWeb(output as unknown as WebReadable<Uint8Array>, { objectMode: false });
}
