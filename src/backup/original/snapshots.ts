/**
 * The original plugin's snapshots in the backup folder: `backup-<YYYYMMDD>T<HHMMSS>Z.tar.gz.enc` (tar, gzip,
 * `openssl enc`) or `.tar.gz` without encryption, with no manifest. Listed beside ours, read and restored,
 * never pruned by retention.
 */

export interface OriginalSnapshot {
  /** The object's name without its extension: `backup-20261121T091530Z`. */
  id: string;
  name: string;
  bytes: number;
  /** ISO 8601 (UTC), from the name. */
  time: string;
  encrypted: boolean;
}

const namePattern = /^(backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z)\.tar\.gz(\.enc)?$/;

/** The original's snapshot this object is, or null. */
export function originalSnapshotOf(object: { name: string; bytes: number }): OriginalSnapshot | null {
  const m = namePattern.exec(object.name);
  if (!m) return null;
  const [, id = "", y, mo, d, h, mi, s, enc] = m;
  return {
    id,
    name: object.name,
    bytes: object.bytes,
    time: `${y}-${mo}-${d}T${h}:${mi}:${s}Z`,
    encrypted: enc !== undefined,
  };
}
