/** Human output through consola; machine output as plain JSON on stdout (never mixed). */
import { createConsola } from "consola";
import type { Printer } from "../util/printer.js";

export interface Output extends Printer {
  info(message: string): void;
  success(message: string): void;
  json(value: unknown): void;
  /** A live progress line, on stderr (never mixed with JSON on stdout). */
  progress(text: string): void;
}

/**
 * Whether text for `stream` may carry colour: only on a terminal, and never with `NO_COLOR` set to anything
 * (https://no-color.org). consola decides the same way for its own lines.
 */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

export function createOutput(): Output {
  const consola = createConsola({
    // An explicit level: consola is silent below warnings where it detects a test runner (NODE_ENV=test,
    // TEST), and a person's headline (`synced: ...`) must never vanish with the environment.
    level: 3,
    stderr: process.stderr,
    stdout: process.stdout,
    formatOptions: { date: false },
  });
  return {
    info: (message) => consola.info(message),
    success: (message) => consola.success(message),
    warn: (message) => consola.warn(message),
    json: (value) => {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    line: (text) => {
      process.stdout.write(`${text}\n`);
    },
    progress: (text) => {
      process.stderr.write(`  ${text}\n`);
    },
  };
}
