/**
 * Editing the plugin entry into a JSON5 `openclaw.json` in place, so the rest of the file (its comments, its
 * layout) stays as the user wrote it: the entry's value is replaced, or a new entry inserted, as text. A small
 * scanner finds where things are; the result is parsed again and must equal the intended config exactly,
 * else the caller rewrites the whole file (and says so). Pure.
 */
import { isDeepStrictEqual } from "node:util";
import JSON5 from "json5";

interface Member {
  /** Where the value starts and ends (end exclusive). */
  start: number;
  end: number;
  node: Node;
}

type Node = { kind: "object"; open: number; members: Map<string, Member> } | { kind: "other" };

class Scanner {
  constructor(private readonly text: string) {}

  skip(i: number): number {
    const t = this.text;
    while (i < t.length) {
      const c = t[i] ?? "";
      if (/\s|\uFEFF/.test(c)) i++;
      else if (t.startsWith("//", i)) {
        const nl = t.indexOf("\n", i);
        i = nl === -1 ? t.length : nl + 1;
      } else if (t.startsWith("/*", i)) {
        const close = t.indexOf("*/", i + 2);
        if (close === -1) throw new Error("unclosed comment");
        i = close + 2;
      } else break;
    }
    return i;
  }

  string(i: number): number {
    const quote = this.text[i];
    let j = i + 1;
    while (j < this.text.length && this.text[j] !== quote) j += this.text[j] === "\\" ? 2 : 1;
    if (j >= this.text.length) throw new Error("unclosed string");
    return j + 1;
  }

  key(i: number): { name: string; end: number } {
    const c = this.text[i];
    if (c === '"' || c === "'") {
      const end = this.string(i);
      return { name: String(JSON5.parse(this.text.slice(i, end))), end };
    }
    const match = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(i));
    if (match === null) throw new Error("unexpected key");
    return { name: match[0], end: i + match[0].length };
  }

  /** The value at `i` (whitespace skipped already) and where it ends. */
  value(i: number): { end: number; node: Node } {
    const c = this.text[i];
    if (c === "{") return this.object(i);
    if (c === "[") {
      let j = this.skip(i + 1);
      while (this.text[j] !== "]") {
        j = this.skip(this.value(j).end);
        if (this.text[j] === ",") j = this.skip(j + 1);
        else if (this.text[j] !== "]") throw new Error("expected , or ]");
      }
      return { end: j + 1, node: { kind: "other" } };
    }
    if (c === '"' || c === "'") return { end: this.string(i), node: { kind: "other" } };
    const match = /^[^,\]}\s/]+/.exec(this.text.slice(i));
    if (match === null) throw new Error("unexpected value");
    return { end: i + match[0].length, node: { kind: "other" } };
  }

  object(open: number): { end: number; node: Node } {
    const members = new Map<string, Member>();
    let j = this.skip(open + 1);
    while (this.text[j] !== "}") {
      const key = this.key(j);
      j = this.skip(key.end);
      if (this.text[j] !== ":") throw new Error("expected :");
      const start = this.skip(j + 1);
      const value = this.value(start);
      members.set(key.name, { start, end: value.end, node: value.node });
      j = this.skip(value.end);
      if (this.text[j] === ",") j = this.skip(j + 1);
      else if (this.text[j] !== "}") throw new Error("expected , or }");
    }
    return { end: j + 1, node: { kind: "object", open, members } };
  }
}

/** `value` as JSON, its lines after the first indented like the line at `at`. */
function jsonAt(text: string, at: number, value: unknown): string {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? "";
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/** Text to insert right after an object's `{`: `key: value,` on a line of its own. */
function insertion(text: string, open: number, key: string, value: unknown): string {
  const lineStart = text.lastIndexOf("\n", open - 1) + 1;
  const indent = `${/^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? ""}  `;
  const json = JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  return `\n${indent}${JSON.stringify(key)}: ${json},`;
}

function objectAt(node: Node | undefined): (Node & { kind: "object" }) | null {
  return node?.kind === "object" ? node : null;
}

/**
 * `text` with `plugins.entries[pluginId]` set to `entry`, everything else as written; null when that cannot be
 * done in place (not an object where one is needed, text the scanner does not follow) or the result would not
 * parse to exactly `next` (the whole intended file).
 */
export function editPluginEntry(
  text: string,
  pluginId: string,
  entry: unknown,
  next: unknown,
): string | null {
  let edited: string;
  try {
    const scanner = new Scanner(text);
    const root = objectAt(scanner.value(scanner.skip(0)).node);
    if (root === null) return null;
    const plugins = root.members.get("plugins");
    const entries = plugins && objectAt(plugins.node)?.members.get("entries");
    const existing = entries && objectAt(entries.node)?.members.get(pluginId);
    if (existing) {
      edited = `${text.slice(0, existing.start)}${jsonAt(text, existing.start, entry)}${text.slice(existing.end)}`;
    } else if (entries) {
      const open = objectAt(entries.node)?.open;
      if (open === undefined) return null;
      edited = `${text.slice(0, open + 1)}${insertion(text, open, pluginId, entry)}${text.slice(open + 1)}`;
    } else if (plugins) {
      const open = objectAt(plugins.node)?.open;
      if (open === undefined) return null;
      const value = { [pluginId]: entry };
      edited = `${text.slice(0, open + 1)}${insertion(text, open, "entries", value)}${text.slice(open + 1)}`;
    } else {
      const value = { entries: { [pluginId]: entry } };
      edited = `${text.slice(0, root.open + 1)}${insertion(text, root.open, "plugins", value)}${text.slice(root.open + 1)}`;
    }
    return isDeepStrictEqual(JSON5.parse(edited), next) ? edited : null;
  } catch {
    return null;
  }
}
