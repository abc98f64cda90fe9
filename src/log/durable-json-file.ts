/**
 * A lowdb adapter that reads JSON and writes it durably: a unique temp file in the same folder,
 * fsync, rename over the target, fsync the folder. lowdb's own JSONFile (steno) has neither the fsync
 * nor a unique temp name, so two writers or a power cut can lose or tear the file.
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import type { Adapter } from "lowdb";
import { describeError, fsyncDir, hasErrorCode, removeIfExists } from "./fs-util.js";

/** A file exists but does not hold what it should (bad JSON, or JSON of the wrong shape). */
export class CorruptFileError extends Error {
  readonly path: string;

  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(`${file} is corrupt: ${detail}`, options);
    this.name = "CorruptFileError";
    this.path = file;
  }
}

export interface DurableJsonFileOptions<T> {
  /** Checks and converts the parsed JSON; a throw becomes a CorruptFileError. */
  parse: (value: unknown) => T;
  /** Indentation passed to JSON.stringify; compact by default. */
  space?: number;
}

export class DurableJsonFile<T> implements Adapter<T> {
  readonly path: string;
  readonly #parse: (value: unknown) => T;
  readonly #space: number | undefined;

  constructor(file: string, options: DurableJsonFileOptions<T>) {
    this.path = file;
    this.#parse = options.parse;
    this.#space = options.space;
  }

  /** The parsed file, or null when it does not exist. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return null;
      throw new Error(`could not read ${this.path}: ${describeError(error)}`, { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CorruptFileError(this.path, `not valid JSON (${describeError(error)})`, { cause: error });
    }
    try {
      return this.#parse(value);
    } catch (error) {
      throw new CorruptFileError(this.path, `unexpected content (${describeError(error)})`, { cause: error });
    }
  }

  /** Resolves once the new content and the folder entry pointing at it are on disk. */
  async write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, this.#space)}\n`;
    const dir = path.dirname(this.path);
    const temp = path.join(
      dir,
      `.${path.basename(this.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
    );
    try {
      const handle = await open(temp, "wx", 0o600);
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await removeIfExists(temp).catch(() => undefined);
      throw new Error(`could not write ${this.path}: ${describeError(error)}`, { cause: error });
    }
    await fsyncDir(dir);
  }
}
