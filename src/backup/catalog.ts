/**
 * What the backup folder holds: published snapshots (a valid manifest whose object is there with the
 * recorded size), newest first; and leftovers (our objects with no manifest: partial uploads, objects
 * whose manifest never got written). Two rclone calls: one listing, one `cat` of every manifest.
 */
import type { FailureReason } from "../../machines/outcomes.js";
import { idOfName, type Manifest, manifestSuffix, parseManifests } from "./manifest.js";
import type { BackupOps } from "./ops.js";
import { type OriginalSnapshot, originalSnapshotOf } from "./original/snapshots.js";
import { newestFirst } from "./retention.js";

export interface RemoteObject {
  name: string;
  bytes: number;
  modifiedAt: number;
}

export interface Catalog {
  snapshots: Manifest[];
  /** The original plugin's snapshots (`backup-*.tar.gz[.enc]`), newest first: never pruned by retention. */
  original: OriginalSnapshot[];
  leftovers: RemoteObject[];
  /** Manifests that name an object that is missing or has another size: not listed as snapshots. */
  broken: { id: string; reason: string }[];
  invalidManifests: number;
}

interface ListedObject {
  Name: string;
  Size: number;
  ModTime: string;
  IsDir: boolean;
}

export type CatalogResult = { ok: true; catalog: Catalog } | { ok: false; failure: FailureReason };

export async function listObjects(
  ops: BackupOps,
  signal?: AbortSignal,
): Promise<{ ok: true; objects: RemoteObject[] } | { ok: false; failure: FailureReason }> {
  const listed = await ops.run(["lsjson", "--files-only", "--max-depth", "1", ops.remote.root], signal);
  if (!listed.ok) {
    // No backup folder yet: no snapshots.
    if (listed.failure.kind === "not-found") return { ok: true, objects: [] };
    return { ok: false, failure: listed.failure };
  }
  // cast: `rclone lsjson` prints an array of these objects; the fields read below are checked where used
  const objects = (JSON.parse(listed.stdout || "[]") as ListedObject[])
    .filter((o) => !o.IsDir)
    .map((o) => ({ name: o.Name, bytes: o.Size, modifiedAt: Date.parse(o.ModTime) }));
  return { ok: true, objects };
}

export async function readCatalog(ops: BackupOps, signal?: AbortSignal): Promise<CatalogResult> {
  const listed = await listObjects(ops, signal);
  if (!listed.ok) return listed;
  const objects = listed.objects.filter((o) => idOfName(o.name) !== null);
  const original = newestFirst(
    listed.objects.flatMap((o) => {
      const found = originalSnapshotOf(o);
      return found ? [found] : [];
    }),
  );
  let manifests: Manifest[] = [];
  let invalid = 0;
  if (objects.some((o) => o.name.endsWith(manifestSuffix))) {
    const read = await ops.run(
      ["cat", "--max-depth", "1", "--include", `*${manifestSuffix}`, ops.remote.root],
      signal,
    );
    if (!read.ok) return { ok: false, failure: read.failure };
    ({ manifests, invalid } = parseManifests(read.stdout));
  }
  const byName = new Map(objects.map((o) => [o.name, o]));
  const snapshots: Manifest[] = [];
  const broken: Catalog["broken"] = [];
  for (const manifest of manifests) {
    const object = byName.get(manifest.object.name);
    if (!object) broken.push({ id: manifest.id, reason: `${manifest.object.name} is missing` });
    else if (object.bytes >= 0 && object.bytes !== manifest.object.bytes) {
      broken.push({
        id: manifest.id,
        reason: `${manifest.object.name} has ${object.bytes} bytes, the manifest says ${manifest.object.bytes}`,
      });
    } else snapshots.push(manifest);
  }
  const published = new Set(manifests.flatMap((m) => [m.object.name, `${m.id}${manifestSuffix}`]));
  const leftovers = objects.filter((o) => !published.has(o.name));
  return {
    ok: true,
    catalog: { snapshots: newestFirst(snapshots), original, leftovers, broken, invalidManifests: invalid },
  };
}

/** A snapshot of either origin: ours (with its manifest) or the original plugin's. */
export type SnapshotRef =
  | { origin: "workspace-sync"; id: string; time: string; manifest: Manifest }
  | { origin: "original"; id: string; time: string; original: OriginalSnapshot };

/** Every snapshot, ours and the original's, newest first. */
export function allSnapshots(catalog: Catalog): SnapshotRef[] {
  return newestFirst<SnapshotRef>([
    ...catalog.snapshots.map((m) => ({
      origin: "workspace-sync" as const,
      id: m.id,
      time: m.time,
      manifest: m,
    })),
    ...catalog.original.map((o) => ({ origin: "original" as const, id: o.id, time: o.time, original: o })),
  ]);
}

/** `latest` (the newest of either origin), an id, or an unambiguous start of one. */
export function findSnapshot(catalog: Catalog, wanted: string | undefined): SnapshotRef | string {
  const all = allSnapshots(catalog);
  const [newest] = all;
  if (newest === undefined) return "there is no snapshot yet (`backup list` shows none)";
  if (wanted === undefined || wanted === "latest") return newest;
  const exact = all.find((s) => s.id === wanted || (s.origin === "original" && s.original.name === wanted));
  if (exact) return exact;
  const matches = all.filter((s) => s.id.startsWith(wanted));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) return only;
  if (matches.length === 0) return `no snapshot ${JSON.stringify(wanted)} (see \`backup list\`)`;
  return `${JSON.stringify(wanted)} matches ${matches.length} snapshots: give more of the id`;
}
