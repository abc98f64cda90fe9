/**
 * rclone's filter patterns (`--exclude`), read as a test on a `/`-separated relative path: `*` any run within
 * one name, `**` any run across names, `?` one character, `[...]` a class, `{a,b}` alternatives, `\` an
 * escape; a leading `/` anchors at the root, else the pattern matches the path's tail from any name on; a
 * trailing `/` matches a folder and all it holds. A pattern this cannot read matches nothing: the watcher
 * then reports a change rclone itself will filter out, which costs a cycle, never a file.
 */

function body(pattern: string): string | null {
  let out = "";
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "\\") {
      const next = pattern[++i];
      if (next === undefined) return null;
      out += next.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else if (c === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) return null;
      const inside = pattern
        .slice(i + 1, end)
        .replace(/^!/, "^")
        .replace(/\\/g, "\\\\");
      out += `[${inside}]`;
      i = end;
    } else if (c === "{") {
      braces++;
      out += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) out += "|";
    else out += c.replace(/[.+^$()|\\/]/g, "\\$&");
  }
  return braces === 0 ? out : null;
}

/** The test for one rclone pattern, or null when it cannot be read. */
export function rcloneGlob(pattern: string): RegExp | null {
  const anchored = pattern.startsWith("/");
  const folder = pattern.endsWith("/");
  const core = body(pattern.replace(/^\/+/, "").replace(/\/+$/, ""));
  if (core === null) return null;
  try {
    return new RegExp(`${anchored ? "^" : "(?:^|/)"}${core}${folder ? "(?:/.*)?" : ""}$`, "s");
  } catch {
    return null;
  }
}

/** Whether any of `patterns` matches `path` (relative, `/`-separated). */
export function matchesAny(patterns: readonly string[]): (path: string) => boolean {
  const tests = patterns.map(rcloneGlob).filter((t): t is RegExp => t !== null);
  return (path) => tests.some((t) => t.test(path));
}

/** What a native watcher can leave unwatched for one pattern (see `folderSkip`). */
export type FolderSkip = { path: string } | { regexp: RegExp };

/**
 * A folder pattern (`X/**` or `X/`) excludes folder X and all it holds, so a watcher need not watch X at all.
 * Gives X as a relative path when the pattern names exactly one folder (anchored, no wildcard), else a
 * flagless RegExp on relative folder paths (what `@parcel/watcher` accepts), else null: a file pattern, whose
 * matches are filtered event by event. The RegExp's `.` stops at a newline: a folder with one in its name is
 * watched and filtered, never wrongly skipped.
 */
export function folderSkip(pattern: string): FolderSkip | null {
  const folder = pattern.endsWith("/")
    ? pattern.slice(0, -1)
    : pattern.endsWith("/**")
      ? pattern.slice(0, -3)
      : null;
  if (folder === null) return null;
  const anchored = folder.startsWith("/");
  const name = folder.replace(/^\/+/, "").replace(/\/+$/, "");
  if (name === "") return null;
  if (anchored && !/[*?[{\\]/.test(name)) return { path: name };
  const core = body(name);
  if (core === null) return null;
  try {
    return { regexp: new RegExp(`${anchored ? "^" : "^(?:.*/)?"}${core}(?:/.*)?$`) };
  } catch {
    return null;
  }
}
