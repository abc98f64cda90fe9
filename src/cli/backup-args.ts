/** Arguments the backup commands share. */
export const json = { type: "boolean", description: "print as JSON" } as const;
export const snapshotArg = {
  type: "string",
  description:
    "a snapshot id (or its unique start), or latest (default); the original plugin's backup-... too",
  valueHint: "ID",
} as const;
export const identityArg = {
  type: "string",
  description: "an age identity file, for snapshots sealed to recipients",
  valueHint: "FILE",
} as const;
