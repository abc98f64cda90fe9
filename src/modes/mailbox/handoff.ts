/**
 * The two folders of the handoff must be real folders, never symbolic links:
 * - `_inbox`: a link would carry arrivals out of the workspace;
 * - the remote `_outbox` on the `local` provider (the cloud is a folder here): a link would make the drain
 *   take, and then delete, the files of whatever folder it leads to.
 * Either is refused before anything is fetched or deleted, with the fix.
 */
import { lstat, mkdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { SyncConfig } from "../../config/schema.js";
import { defaultLocalCloud, type WorkspacePaths } from "../../paths.js";

export class HandoffRefused extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** `_inbox` must be a real folder; a missing one is made. */
export async function checkInbox(inboxDir: string): Promise<void> {
  const info = await lstat(inboxDir).catch(() => null);
  if (info?.isSymbolicLink()) {
    throw new HandoffRefused(
      `${inboxDir} is a symbolic link: arrivals are never delivered through one. Replace it with a real folder (\`rm ${inboxDir} && mkdir ${inboxDir}\`), then sync again.`,
      "Replace the symlinked _inbox with a real folder.",
    );
  }
  if (info === null) await mkdir(inboxDir, { recursive: true });
}

/** The folder the remote `_outbox` is on this machine: only for the `local` provider, else null. */
export function localOutboxDir(config: SyncConfig, paths: WorkspacePaths): string | null {
  if (config.provider !== "local") return null;
  // `paths.stateDir` is `<state dir>/workspaces/<id>`; the default local cloud is `<state dir>/cloud`.
  const root = config.local.path ?? defaultLocalCloud(join(paths.stateDir, "..", ".."));
  return join(root, config.remotePath, "_outbox");
}

/** On the `local` provider, the remote `_outbox` must be a real folder (or not there yet). */
export async function checkLocalOutbox(config: SyncConfig, paths: WorkspacePaths): Promise<void> {
  const outbox = localOutboxDir(config, paths);
  if (outbox === null) return;
  const info = await lstat(outbox).catch(() => null);
  if (!info?.isSymbolicLink()) return;
  const target = await readlink(outbox).catch(() => "elsewhere");
  throw new HandoffRefused(
    `${outbox} is a symbolic link (to ${target}): the drain never takes files through one, since it deletes what it delivered from there. Replace it with a real folder (\`rm ${outbox} && mkdir ${outbox}\`; rm removes only the link), move into it what should arrive, then sync again.`,
    "Replace the symlinked _outbox with a real folder.",
  );
}
