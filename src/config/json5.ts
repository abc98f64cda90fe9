/**
 * Reading config text as OpenClaw reads `openclaw.json`: JSON5 (comments, trailing commas, unquoted keys,
 * single quotes), with the `json5` parser OpenClaw itself uses. Plain JSON is JSON5, so a plugin config
 * file given with --config reads the same way.
 */
import JSON5 from "json5";
import { fieldOf } from "../util/json.js";

export interface Json5Text {
  value: unknown;
  /** True when the text is plain JSON too: rewriting it as JSON loses nothing (no comments, no JSON5 syntax). */
  plainJson: boolean;
}

/** A syntax error in a config file, with where it is (1-based) and what is wrong there. */
export class Json5SyntaxError extends Error {
  override readonly name = "Json5SyntaxError";
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(
      `not valid JSON5 at line ${line}, column ${column}: ${problem}. ` +
        "Fix the text there (comments, trailing commas, unquoted keys and single quotes are fine; " +
        "a missing comma or quote, or an unclosed brace, is not)",
    );
  }
}

function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Parses `text` as JSON5; throws {@link Json5SyntaxError} naming the line and column. */
export function parseJson5(text: string): Json5Text {
  let value: unknown;
  try {
    value = JSON5.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const line = fieldOf(error, "lineNumber");
    const column = fieldOf(error, "columnNumber");
    const message = error instanceof Error ? error.message : String(error);
    // json5's message: "JSON5: invalid character 'b' at 3:3"; the place is given separately.
    const problem = message.replace(/^JSON5:\s*/, "").replace(/\s+at \d+:\d+$/, "");
    throw new Json5SyntaxError(
      typeof line === "number" ? line : 1,
      typeof column === "number" ? column : 1,
      problem,
    );
  }
  return { value, plainJson: isPlainJson(text.replace(/^\uFEFF/, "")) };
}
