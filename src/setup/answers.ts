/**
 * The wizard's answers: what each flag gives, which answers are still missing (to refuse without a
 * terminal, naming the flags), and the plugin config they make. Pure.
 */

import type { modes } from "../config/schema.js";
import type { ProviderName } from "../providers/blocks.js";

export type Mode = (typeof modes)[number];

export interface Answers {
  provider?: ProviderName;
  mode?: Mode;
  remotePath?: string;
  localPath?: string;
  interval?: number;
  onSessionStart?: boolean;
  onSessionEnd?: boolean;
  /** `local`: the folder acting as the cloud. */
  localDir?: string;
  s3?: {
    bucket?: string;
    endpoint?: string;
    region?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
  };
  dropbox?: { appFolder?: boolean; appKey?: string; appSecret?: string };
  custom?: { rcloneType?: string; rcloneOptions?: Record<string, string> };
  /** OAuth: "browser" runs rclone authorize, "paste" takes `token`, "later" skips. */
  auth?: "browser" | "paste" | "later";
  token?: string;
}

export const oauthProviders: readonly ProviderName[] = ["dropbox", "gdrive", "onedrive"];

/** The answers a run without a terminal must get as flags (the rest have defaults). */
export function missingFlags(answers: Answers): string[] {
  const missing: string[] = [];
  if (answers.provider === undefined) missing.push("--provider local|dropbox|gdrive|onedrive|s3|custom");
  if (answers.mode === undefined) missing.push("--mode mailbox|mirror|bisync");
  if (answers.provider === "local" && answers.localDir === undefined) missing.push("--local-dir DIR");
  if (answers.provider === "s3" && !answers.s3?.bucket) missing.push("--s3-bucket NAME");
  if (answers.provider === "custom" && !answers.custom?.rcloneType) missing.push("--custom-type TYPE");
  if (answers.provider && oauthProviders.includes(answers.provider)) {
    if (answers.auth === undefined) missing.push("--token JSON|-|@FILE (or --authorize browser|later)");
    if (answers.auth === "paste" && answers.token === undefined) missing.push("--token JSON|-|@FILE");
  }
  return missing;
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = { ...value };
  for (const [key, v] of Object.entries(value)) if (v === undefined || v === "") delete out[key];
  return out;
}

/** The plugin config (flat) the answers make; credentials for OAuth are not in it (authorize stores them). */
export function pluginConfigOf(answers: Answers): Record<string, unknown> {
  const config: Record<string, unknown> = defined({
    provider: answers.provider,
    mode: answers.mode,
    interval: answers.interval,
    onSessionStart: answers.onSessionStart,
    onSessionEnd: answers.onSessionEnd,
  });
  // An empty path is an answer, not a missing one: `localPath: ""` is the whole workspace, `remotePath: ""`
  // the root of a dedicated space (a Dropbox app folder); the schema decides where the root is allowed.
  if (answers.remotePath !== undefined) config.remotePath = answers.remotePath;
  if (answers.localPath !== undefined) config.localPath = answers.localPath;
  switch (answers.provider) {
    case "local":
      config.local = { path: answers.localDir };
      break;
    case "s3":
      config.s3 = defined({ provider: answers.s3?.endpoint ? "Other" : undefined, ...answers.s3 });
      break;
    case "dropbox":
      if (answers.dropbox && Object.keys(defined(answers.dropbox)).length > 0) {
        config.dropbox = defined(answers.dropbox);
      }
      break;
    case "custom":
      config.custom = {
        rcloneType: answers.custom?.rcloneType,
        rcloneOptions: answers.custom?.rcloneOptions ?? {},
      };
      break;
    default:
      break;
  }
  return config;
}

/** What each mode does, how safe it is, and what its first sync will do: shown before choosing. */
export const modeChoices: readonly { value: Mode; label: string; hint: string; firstSync: string }[] = [
  {
    value: "mailbox",
    label: "mailbox (safest)",
    hint: "the workspace is pushed up one way; files you drop in the remote _outbox arrive in the workspace _inbox. The cloud never deletes workspace files",
    firstSync:
      "The first sync makes the remote folder an exact copy of the workspace folder: files in the remote folder that the workspace lacks are deleted there (except _outbox). The dry run at the end shows it first.",
  },
  {
    value: "mirror",
    label: "mirror",
    hint: "the workspace follows the cloud (remote → workspace); local changes are overwritten",
    firstSync:
      "The first sync makes the workspace folder an exact copy of the remote folder: workspace files the remote lacks are deleted. Use it when the cloud is the source of truth.",
  },
  {
    value: "bisync",
    label: "bisync (advanced)",
    hint: "two-way; both sides can change and delete; conflicts are kept, never silently lost",
    firstSync:
      "The first sync is a resync: everything on either side is copied to the other. Make sure both sides hold only what you want before it.",
  },
];
