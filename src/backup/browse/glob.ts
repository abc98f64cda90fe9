/**
 * The PATH-GLOB of `backup ls` and `backup restore --path`, matched against paths in the archive
 * (`workspace/notes/today.md`): `*` and `?` stay within a name, `**` crosses folders; a pattern without `/`
 * matches a name at any depth (`today.md`, `*.sqlite`); a leading `/` anchors it at the archive's root. A
 * folder that matches brings everything under it. Pure.
 */
import { globToRegExp } from "../archive/exclude.js";

export class PathGlobError extends Error {
  override readonly name = "PathGlobError";
}

export interface PathGlob {
  pattern: string;
  /** The entry matches, or one of the folders it is in does. */
  matches(path: string): boolean;
}

/** Throws PathGlobError naming what is wrong with `raw` and what is allowed. */
export function pathGlob(raw: string): PathGlob {
  const allowed = "a path in the snapshot such as workspace/notes/today.md, with * ? ** (see `backup ls`)";
  const bad = (why: string) => new PathGlobError(`--path ${JSON.stringify(raw)}: ${why}; give ${allowed}`);
  const trimmed = raw.trim();
  if (trimmed === "") throw bad("it is empty");
  if (/[\0\\]/.test(trimmed)) throw bad("it holds a backslash or a NUL");
  if (/[[\]{}]/.test(trimmed)) throw bad("brackets and braces are not supported");
  const body0 = trimmed.replace(/^\.\//, "").replace(/\/\*\*$|\/+$/, "");
  const anchored = body0.startsWith("/");
  const body = anchored ? body0.replace(/^\/+/, "") : body0;
  if (body === "" || body === "**") return { pattern: raw, matches: () => true };
  if (body.split("/").some((s) => s === ".." || s === "." || s === "")) {
    throw bad("it has an empty, `.` or `..` segment");
  }
  const regexp = globToRegExp(body);
  const byName = !anchored && !body.includes("/");
  return {
    pattern: raw,
    matches(path) {
      const segments = path.split("/");
      if (byName) return segments.some((name) => regexp.test(name));
      for (let i = 1; i <= segments.length; i++) if (regexp.test(segments.slice(0, i).join("/"))) return true;
      return false;
    },
  };
}
