/**
 * The agent tools' names: the manifest declares them (`contracts.tools`) without loading the tools, and
 * `workspace_backup` is optional (the user opts in with `tools.allow` or `tools.alsoAllow`).
 */
export const toolNames = {
  status: "workspace_sync_status",
  syncNow: "workspace_sync_now",
  inbox: "workspace_inbox",
  backup: "workspace_backup",
} as const;

export const optionalToolNames: readonly string[] = [toolNames.backup];
