/**
 * A strict reader for the archives this tool writes (ustar with pax extended headers), and for GNU tar's
 * (the original plugin's `tar cz`: GNU long names): files, folders and symlinks only; a bad checksum, another entry type, a cut entry, a missing end marker or data after
 * it all fail. Entries go to a handler that may be slow (every call is awaited: backpressure).
 */
import { Writable } from "node:stream";
import { Header, type HeaderData, Pax } from "tar";
import { blockSize } from "./tar-header.js";
import type { EntryKind } from "./walk.js";

export interface TarEntry {
  path: string;
  kind: EntryKind;
  mode: number;
  size: number;
  mtime: Date;
  linkpath?: string;
}

export interface EntryHandler {
  onEntry(entry: TarEntry): Promise<void> | void;
  onData(chunk: Buffer): Promise<void> | void;
  onEntryEnd(): Promise<void> | void;
}

export class ArchiveFormatError extends Error {
  override readonly name = "ArchiveFormatError";
}

const kinds: Record<string, EntryKind> = {
  File: "file",
  OldFile: "file",
  ContiguousFile: "file",
  Directory: "dir",
  SymbolicLink: "symlink",
};

type State =
  | { at: "header" }
  | { at: "meta"; left: number; pad: number; parts: Buffer[]; meta: Meta }
  | { at: "body"; left: number; pad: number }
  | { at: "end" };

/** A header that describes the next entry: pax (extended or global), or GNU's long path or link name. */
type Meta = "pax" | "global" | "longPath" | "longLink";
const metaTypes: Record<string, Meta> = {
  ExtendedHeader: "pax",
  GlobalExtendedHeader: "global",
  NextFileHasLongPath: "longPath",
  NextFileHasLongLinkpath: "longLink",
};

const padOf = (size: number) => (size % blockSize === 0 ? 0 : blockSize - (size % blockSize));

export class TarReader extends Writable {
  #state: State = { at: "header" };
  #pending: Buffer = Buffer.alloc(0);
  #zeroBlocks = 0;
  #extended: HeaderData | undefined;
  #global: HeaderData | undefined;
  entries = 0;

  constructor(private readonly handler: EntryHandler) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#consume(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#state.at === "end") callback();
    else if (this.#state.at === "body" || this.#state.at === "meta")
      callback(new ArchiveFormatError("the archive is cut in the middle of an entry"));
    else callback(new ArchiveFormatError("the archive ends without its end marker (it was cut)"));
  }

  async #consume(chunk: Buffer): Promise<void> {
    let data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    while (data.length > 0) {
      const state = this.#state;
      if (state.at === "end") {
        if (data.some((byte) => byte !== 0))
          throw new ArchiveFormatError("data after the end of the archive");
        return;
      }
      if (state.at === "body") {
        const take = Math.min(state.left, data.length);
        if (take > 0) await this.handler.onData(data.subarray(0, take));
        state.left -= take;
        data = data.subarray(take);
        if (state.left > 0) return;
        const skip = Math.min(state.pad, data.length);
        state.pad -= skip;
        data = data.subarray(skip);
        if (state.pad > 0) return;
        await this.handler.onEntryEnd();
        this.#state = { at: "header" };
        continue;
      }
      if (state.at === "meta") {
        const take = Math.min(state.left, data.length);
        state.parts.push(Buffer.from(data.subarray(0, take)));
        state.left -= take;
        data = data.subarray(take);
        if (state.left > 0) return;
        const skip = Math.min(state.pad, data.length);
        state.pad -= skip;
        data = data.subarray(skip);
        if (state.pad > 0) return;
        const text = Buffer.concat(state.parts).toString("utf8");
        if (state.meta === "global") this.#global = Pax.parse(text, this.#global, true);
        else if (state.meta === "pax") this.#extended = Pax.parse(text, this.#extended, false);
        else {
          const name = text.replace(/\0+$/, "");
          const key = state.meta === "longPath" ? "path" : "linkpath";
          this.#extended = { ...this.#extended, [key]: name };
        }
        this.#state = { at: "header" };
        continue;
      }
      if (data.length < blockSize) {
        this.#pending = Buffer.from(data);
        return;
      }
      await this.#header(data.subarray(0, blockSize));
      data = data.subarray(blockSize);
    }
  }

  async #header(block: Buffer): Promise<void> {
    if (block.every((byte) => byte === 0)) {
      this.#zeroBlocks++;
      if (this.#zeroBlocks === 2) this.#state = { at: "end" };
      return;
    }
    if (this.#zeroBlocks > 0) throw new ArchiveFormatError("an entry after an empty block");
    const header = new Header(block, 0, this.#extended, this.#global);
    if (!header.cksumValid) throw new ArchiveFormatError("a tar header with a bad checksum");
    const size = header.size ?? 0;
    const meta = metaTypes[header.type ?? ""];
    if (meta !== undefined) {
      this.#state = { at: "meta", left: size, pad: padOf(size), parts: [], meta };
      if (size === 0) this.#state = { at: "header" };
      return;
    }
    this.#extended = undefined;
    const kind = kinds[header.type];
    if (kind === undefined) throw new ArchiveFormatError(`an unexpected tar entry type: ${header.type}`);
    if (kind !== "file" && size > 0) throw new ArchiveFormatError(`a ${header.type} entry with a body`);
    const path = (header.path ?? "").replace(/\/+$/, "");
    const entry: TarEntry = {
      path,
      kind,
      mode: (header.mode ?? 0o644) & 0o7777,
      size: kind === "file" ? size : 0,
      mtime: header.mtime ?? new Date(0),
      ...(kind === "symlink" ? { linkpath: header.linkpath ?? "" } : {}),
    };
    this.entries++;
    await this.handler.onEntry(entry);
    if (entry.size > 0) this.#state = { at: "body", left: entry.size, pad: padOf(entry.size) };
    else await this.handler.onEntryEnd();
  }
}
