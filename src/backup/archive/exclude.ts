/**
 * `backup.exclude` glob patterns, matched against paths inside each include item (`notes/draft.md` for
 * `workspace/notes/draft.md`) and against the archive path itself. `*` and `?` stay within one path
 * segment, `**` crosses segments; a pattern without `/` matches a name at any depth; a trailing `/` or
 * `/**` on a folder excludes everything under it. Pure.
 */

function escapeChar(char: string): string {
  return /[.+^${}()|[\]\\]/.test(char) ? `\\${char}` : char;
}

export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        const slash = pattern[i + 2] === "/";
        source += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        source += "[^/]*";
      }
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += escapeChar(char);
    }
  }
  return new RegExp(`^${source}$`);
}

export interface ExcludeMatcher {
  /** `relative`: the path inside its include item; `archivePath`: the path in the archive. */
  excludes(relative: string, archivePath: string): boolean;
}

export function excludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const rules = patterns
    .map((raw) => raw.trim())
    .filter((raw) => raw !== "")
    .map((raw) => {
      const pattern = raw.replace(/^\.\//, "").replace(/\/\*\*$|\/$/, "");
      const anchored = pattern.startsWith("/");
      const body = anchored ? pattern.slice(1) : pattern;
      return { regexp: globToRegExp(body), byName: !anchored && !body.includes("/") };
    });
  return {
    excludes(relative, archivePath) {
      for (const rule of rules) {
        if (rule.byName) {
          const name = relative.split("/").at(-1) ?? relative;
          if (rule.regexp.test(name)) return true;
        } else if (rule.regexp.test(relative) || rule.regexp.test(archivePath)) {
          return true;
        }
      }
      return false;
    },
  };
}
