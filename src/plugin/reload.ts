/**
 * Config reload: OpenClaw restarts the service when the plugin's config changes (`reload.configPrefixes`),
 * and the service reads the committed config from its start context. A change that moves what is synced
 * (`mode`, `localPath` or `remotePath`) is not trusted blindly: the service records the target it last
 * synced (`applied-target.json` in its state directory); when the new config moves it, real cycles are
 * held (no timer, no hooks, no `/sync`) after a dry run shows what they would do, until a person confirms
 * with `/sync confirm` or a real `sync` from the CLI.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { pluginId } from "../config/load.js";
import type { SyncConfig } from "../config/schema.js";
import type { Host } from "../daemon/host.js";
import { fieldOf } from "../util/json.js";
import { sleep } from "../util/process.js";
import { stateName } from "../util/state-name.js";

/** The config paths whose change restarts the service. */
export const reloadPrefixes = [`plugins.entries.${pluginId}`] as const;

const targetSchema = z.object({ mode: z.string(), localPath: z.string(), remotePath: z.string() });
export type SyncTarget = z.infer<typeof targetSchema>;
export const movingKeys = ["mode", "localPath", "remotePath"] as const;

export function targetOf(sync: SyncConfig): SyncTarget {
  return { mode: sync.mode, localPath: sync.localPath, remotePath: sync.remotePath };
}

/** The keys whose value differs between the applied target and the configured one. */
export function movedKeys(applied: SyncTarget, next: SyncTarget): (typeof movingKeys)[number][] {
  return movingKeys.filter((key) => applied[key] !== next[key]);
}

export function describeMove(applied: SyncTarget, next: SyncTarget): string {
  return movedKeys(applied, next)
    .map((key) => `${key} "${applied[key]}" → "${next[key]}"`)
    .join(", ");
}

const appliedFile = (stateDir: string) => join(stateDir, "applied-target.json");

/** The target the last confirmed config synced; null before the first start. */
export async function readApplied(stateDir: string): Promise<SyncTarget | null> {
  try {
    const parsed = targetSchema.safeParse(JSON.parse(await readFile(appliedFile(stateDir), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeApplied(stateDir: string, target: SyncTarget): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const temporary = `${appliedFile(stateDir)}.tmp`;
  await writeFile(temporary, `${JSON.stringify(target)}\n`, { mode: 0o600 });
  await rename(temporary, appliedFile(stateDir));
}

/** The plugin's entry config inside OpenClaw's whole config, when it is there. */
export function pluginConfigIn(config: unknown): unknown {
  return fieldOf(fieldOf(fieldOf(fieldOf(config, "plugins"), "entries"), pluginId), "config");
}

/** Held real cycles after a move, until someone confirms. */
export interface Hold {
  from: SyncTarget;
  to: SyncTarget;
  /** What the dry run said, once it ran. */
  dryRun: string | null;
  since: number;
}

export function holdText(hold: Hold): string {
  const dry = hold.dryRun ? `\nDry run: ${hold.dryRun}` : "\nThe dry run has not finished yet.";
  return `Real syncs are on hold: the config moved ${describeMove(hold.from, hold.to)}.${dry}\nNext: send /sync confirm (or run \`openclaw workspace-sync sync\`) to sync to the new place.`;
}

/** A real (not dry-run) cycle finished after `since`, read from a sync machine's context. */
export function realCycleSince(context: unknown, since: number): boolean {
  const last = fieldOf(context, "lastCycle");
  const finishedAt = fieldOf(last, "finishedAt");
  return (
    typeof finishedAt === "number" &&
    finishedAt > since &&
    fieldOf(fieldOf(last, "request"), "dryRun") !== true
  );
}

/** How long a stop waits for a running cycle to end (a reload, a shutdown) before stopping it. */
const settleMs = 60_000;

/** Wait for the host's workspace cycles to end, so a reload does not cut one off. */
export async function settle(host: Host | null): Promise<void> {
  const deadline = Date.now() + settleMs;
  const busy = () =>
    host
      ?.units()
      .some((u) => u.info.kind === "workspace" && stateName(u.current().value).startsWith("running"));
  while (busy() && Date.now() < deadline) await sleep(200);
}
