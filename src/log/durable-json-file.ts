import { readFile } from "node:fs/promises";
import type { Adapter } from "lowdb";
import { writeFileDurably } from "../util/durable-file.js";
import { messageOf as describeError } from "../util/errors.js";
import { hasErrorCode } from "./fs-util.js";

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
    try {
      await writeFileDurably(this.path, text, 0o600);
    } catch (error) {
      throw new Error(`could not write ${this.path}: ${describeError(error)}`, { cause: error });
    }
  }
}
