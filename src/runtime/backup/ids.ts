/** The backup unit's id and kind, as `hello` and `status --json` list them. */
export const backupUnitId = "backup";
export const backupUnitKind = "backup";
