/**
 * The kinds of unit a host runs, in start order. Adding a kind (another sync mode with its own unit) is
 * one entry here.
 */
import { backupUnits } from "./backup/kind.js";
import type { UnitKind } from "./unit.js";
import { workspaceUnits } from "./workspace/unit.js";

export const unitKinds: readonly UnitKind[] = [workspaceUnits, backupUnits];
