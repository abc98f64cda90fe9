/** An entry handler that passes on only the entries a PATH-GLOB matches, and remembers what it saw. */
import type { EntryHandler, TarEntry } from "../archive/tar-reader.js";
import type { PathGlob } from "./glob.js";

export class FilteredHandler implements EntryHandler {
  readonly #glob: PathGlob | null;
  readonly #inner: EntryHandler;
  #passing = false;
  matched = 0;
  /** The archive's top-level names, in order (for a hint when nothing matched). */
  readonly topLevel: string[] = [];

  constructor(glob: PathGlob | null, inner: EntryHandler) {
    this.#glob = glob;
    this.#inner = inner;
  }

  onEntry(entry: TarEntry): Promise<void> | void {
    const top = entry.path.split("/")[0] ?? "";
    if (this.topLevel.at(-1) !== top && !this.topLevel.includes(top)) this.topLevel.push(top);
    this.#passing = this.#glob === null || this.#glob.matches(entry.path);
    if (!this.#passing) return;
    this.matched++;
    return this.#inner.onEntry(entry);
  }

  onData(chunk: Buffer): Promise<void> | void {
    if (this.#passing) return this.#inner.onData(chunk);
  }

  onEntryEnd(): Promise<void> | void {
    if (this.#passing) return this.#inner.onEntryEnd();
  }

  /** "no entry matches" with where the snapshot's paths start. */
  noMatch(id: string): { message: string; hint: string } {
    const tops = this.topLevel.slice(0, 8).map((t) => `${t}/`);
    return {
      message: `no entry of snapshot ${id} matches --path ${JSON.stringify(this.#glob?.pattern ?? "")}`,
      hint:
        tops.length > 0
          ? `its paths start with ${tops.join(", ")} (see \`backup ls ${id}\`)`
          : "the snapshot is empty",
    };
  }
}
