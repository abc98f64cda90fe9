/** Tar (ustar, with a pax extended header when a field does not fit) headers, written through node-tar. */
import type { Stats } from "node:fs";
import { Header, Pax } from "tar";
import type { EntryKind } from "./walk.js";

export const blockSize = 512;
/** The end of an archive: two zero blocks. */
export const endOfArchive = Buffer.alloc(blockSize * 2);

const typeNames = { dir: "Directory", file: "File", symlink: "SymbolicLink" } as const;

export function headerFor(
  path: string,
  kind: EntryKind,
  stats: Pick<Stats, "mode" | "uid" | "gid" | "mtime">,
  size: number,
  linkpath?: string,
): Buffer {
  const data = {
    path: kind === "dir" ? `${path}/` : path,
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    size: kind === "file" ? size : 0,
    mtime: stats.mtime,
    type: typeNames[kind],
    ...(linkpath === undefined ? {} : { linkpath }),
  };
  const header = new Header(data);
  const needPax = header.encode();
  const block = header.block;
  if (!block) throw new Error(`could not encode a tar header for ${path}`);
  if (!needPax) return block;
  const pax = new Pax({
    path: data.path,
    size: data.size,
    mtime: data.mtime,
    uid: data.uid,
    gid: data.gid,
    ...(linkpath === undefined ? {} : { linkpath }),
  });
  return Buffer.concat([pax.encode(), block]);
}

/** Zeros that round `size` up to a whole block. */
export function paddingFor(size: number): Buffer {
  const rest = size % blockSize;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(blockSize - rest);
}
