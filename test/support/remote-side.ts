/**
 * The remote side of an end-to-end test, reached with rclone directly (never through the tool): write,
 * delete, read, list and hash files at `<root>/<path>`, with the remote's own rclone config when it has one.
 * Works the same for a `local` cloud folder, the SFTP server and the S3 server.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testEnv } from "./sandbox.js";

const exec = promisify(execFile);

export interface RemoteSide {
  /** The rclone spec of the folder the tool syncs with (`check:bucket/path`, or a plain folder). */
  root: string;
  /** `--config <file>` for a server remote; nothing for a local folder. */
  args: string[];
  put(path: string, text: string | Buffer, mtime?: Date): Promise<void>;
  remove(path: string): Promise<void>;
  read(path: string): Promise<string>;
  list(): Promise<string[]>;
  /** `md5  path` lines, sorted: equal snapshots mean byte-identical trees. */
  hashes(): Promise<string[]>;
}

export async function rclone(args: string[]): Promise<string> {
  const { stdout } = await exec("rclone", args, { env: testEnv(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** md5 lines of any rclone path (a local folder included), sorted; empty when it is missing. */
export async function hashesOf(root: string, args: string[] = []): Promise<string[]> {
  const out = await rclone(["md5sum", root, ...args]).catch(() => "");
  return out
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

export function remoteSide(root: string, args: string[] = []): RemoteSide {
  return {
    root,
    args,
    async put(path, text, mtime) {
      const dir = await mkdtemp(join(tmpdir(), "wsync-put-"));
      try {
        const file = join(dir, "f");
        await writeFile(file, text);
        if (mtime) await utimes(file, mtime, mtime);
        await rclone(["copyto", file, `${root}/${path}`, ...args]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async remove(path) {
      await rclone(["deletefile", `${root}/${path}`, ...args]);
    },
    read: (path) => rclone(["cat", `${root}/${path}`, ...args]),
    async list() {
      const out = await rclone(["lsf", "-R", "--files-only", root, ...args]).catch(() => "");
      return out
        .split("\n")
        .filter((l) => l !== "")
        .sort();
    },
    hashes: () => hashesOf(root, args),
  };
}
