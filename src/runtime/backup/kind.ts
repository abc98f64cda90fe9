/**
 * The backup kind of unit, id `backup`. Its unit (and the archive, codecs and age it brings) loads on use:
 * a host that runs no backup never parses them.
 */
import { ProviderConfigError } from "../../providers/types.js";
import type { UnitKind } from "../unit.js";

import { backupUnitId, backupUnitKind } from "./ids.js";

/** The workspace a host's backups archive: the first it serves from the start. */
function archivedWorkspace(workspaces: readonly string[]): string {
  const workspace = workspaces[0];
  if (workspace === undefined) throw new Error("backups need a workspace; the host serves none");
  return workspace;
}

/**
 * The backup kind: one unit per host, when the config has a `backup` block. A long-lived host starts it
 * for its schedule (`backup.enabled`); otherwise it starts on the first request.
 */
export const backupUnits: UnitKind = {
  kind: backupUnitKind,
  async start(services, workspaces) {
    const { backupError } = services.config;
    // A backup problem disables backups only: the host runs its sync units and says why once.
    if (backupError !== null && services.timers)
      services.logger.error(`backups are disabled: ${backupError}`);
    if (services.config.backup?.enabled !== true || !services.timers) return [];
    const { BackupUnit } = await import("./unit.js");
    try {
      return [await BackupUnit.start(services, archivedWorkspace(workspaces), true)];
    } catch (error) {
      // A backup remote the config cannot make (an rclone backend rclone does not know) disables backups
      // only; a `backup` request then gets the same refusal.
      if (!(error instanceof ProviderConfigError)) throw error;
      services.logger.error(`backups are disabled: ${error.message}`);
      return [];
    }
  },
  startOnRequest(services, id, workspaces) {
    if (id !== backupUnitId) return null;
    const { backup, backupError } = services.config;
    if (backupError !== null) return Promise.reject(new Error(`backups are disabled: ${backupError}`));
    if (backup === null) {
      return Promise.reject(
        new Error("the running host's config has no `backup` block; restart the host after adding one"),
      );
    }
    return (async () => {
      const { BackupUnit } = await import("./unit.js");
      return BackupUnit.start(services, archivedWorkspace(workspaces), backup.enabled);
    })();
  },
};
