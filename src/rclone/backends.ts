/**
 * The backend names an rclone binary knows, from `rclone config providers` (each backend's `Name` and
 * `Prefix`: rclone's config accepts either, so `gcs` and `google cloud storage` are both a backend). Listing
 * takes about half a second, so the answer is kept in a file (with the binary's path, size and mtime) and
 * asked again only when the binary changes.
 */
import { readFile, stat } from "node:fs/promises";
import { execa } from "execa";
import { z } from "zod";
import { writeFileDurably } from "../util/durable-file.js";
import { cleanEnv } from "./env.js";

export interface RcloneBackends {
  /** Every name rclone accepts as `type`, in rclone's order (prefixes and the longer names). */
  names: string[];
  /** The short names (`rclone help backends`'s list), for messages. */
  prefixes: string[];
}

const providersSchema = z.array(z.object({ Name: z.string(), Prefix: z.string() }));
const cacheSchema = z.object({
  binary: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  backends: z.object({ names: z.array(z.string()), prefixes: z.array(z.string()) }),
});

/** Backends out of `rclone config providers --json`'s text. Pure; throws on text of another shape. */
export function parseProviders(text: string): RcloneBackends {
  const providers = providersSchema.parse(JSON.parse(text));
  const names: string[] = [];
  for (const { Name, Prefix } of providers) {
    for (const name of [Prefix, Name]) if (name !== "" && !names.includes(name)) names.push(name);
  }
  return { names, prefixes: providers.map((p) => p.Prefix).filter((p) => p !== "") };
}

async function cached(cacheFile: string, binary: string, size: number, mtimeMs: number) {
  try {
    const parsed = cacheSchema.safeParse(JSON.parse(await readFile(cacheFile, "utf8")));
    if (!parsed.success) return null;
    const hit = parsed.data;
    return hit.binary === binary && hit.size === size && hit.mtimeMs === mtimeMs ? hit.backends : null;
  } catch {
    return null;
  }
}

/** The backends `binary` knows: from `cacheFile` when it was made for this very binary, else from rclone. */
export interface ListedBackends {
  backends: RcloneBackends;
  /** Writes the answer to `cacheFile` (a no-op when it came from there). Call it once writing is allowed. */
  keep(): Promise<void>;
}

/**
 * The backends `binary` knows (see {@link ListedBackends}). Null when rclone cannot list them: it then
 * reports an unknown backend itself.
 */
export async function rcloneBackends(
  binary: string,
  options: { env?: NodeJS.ProcessEnv; cacheFile: string; timeoutMs?: number },
): Promise<ListedBackends | null> {
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = await stat(binary));
  } catch {
    return null;
  }
  const hit = await cached(options.cacheFile, binary, size, mtimeMs);
  if (hit !== null) return { backends: hit, keep: async () => {} };
  const result = await execa(binary, ["config", "providers"], {
    reject: false,
    extendEnv: false,
    env: cleanEnv(options.env ?? process.env, {}),
    stdin: "ignore",
    timeout: options.timeoutMs ?? 15_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.failed) return null;
  let backends: RcloneBackends;
  try {
    backends = parseProviders(result.stdout);
  } catch {
    return null;
  }
  const text = `${JSON.stringify({ binary, size, mtimeMs, backends })}\n`;
  return { backends, keep: () => writeFileDurably(options.cacheFile, text, 0o600) };
}
