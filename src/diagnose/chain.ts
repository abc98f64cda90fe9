/**
 * `status`'s diagnosis, in order, stopping at the first failure with its fix: rclone installed, config
 * valid, remote configured, credentials accepted, remote reachable, remote path present. Pure-ish: every
 * effect comes in through {@link DiagnoseEffects}, so it runs the same in the CLI or inside a daemon.
 */
import type { LoadedConfig } from "../config/load.js";
import type { RcloneVersion } from "../rclone/binary.js";
import { capabilitiesOf, type ExitCodeScheme } from "../rclone/capabilities.js";
import type { RcloneResult } from "../rclone/run.js";
import { runnable } from "../util/command.js";
import { messageOf, noRedaction, type Redact } from "../util/errors.js";
import { rcloneFeatures } from "./features.js";

export type CheckId = "rclone" | "config" | "remote" | "credentials" | "reachable" | "remotePath";

export interface Check {
  id: CheckId;
  label: string;
  /** true passed, false failed (the chain stops), null not checked. */
  ok: boolean | null;
  detail: string;
  fix?: string;
}

export interface PlannedRemote {
  describe: string;
  remoteName: string;
  configPath: string;
  /** The remote's own root (`cloud:`, `cloud:<bucket>` on S3): where credentials are tried. */
  remoteBase: string;
  remoteRoot: string;
  redact: Redact;
  /** The config key that says where the remote lives (`s3.endpoint`), when one does. */
  endpointKey?: string | undefined;
  /** Said once: the original plugin's token was imported (from where), else null. */
  imported?: string | null | undefined;
}

export interface DiagnoseEffects {
  findRclone(): Promise<string>;
  readVersion(binary: string): Promise<RcloneVersion>;
  installHint(): string;
  loadConfig(): Promise<LoadedConfig>;
  /** Writes the remote into the project's rclone.conf; throws with the fix when it cannot be. */
  prepareRemote(loaded: LoadedConfig): Promise<PlannedRemote>;
  /**
   * Runs rclone (with the project's config) and returns its typed result, its failure classified by what
   * `exitCodes` says this rclone's exit codes mean.
   */
  rclone(
    binary: string,
    args: string[],
    remote: PlannedRemote,
    exitCodes: ExitCodeScheme,
  ): Promise<RcloneResult>;
}

export interface Diagnosis {
  ok: boolean;
  checks: Check[];
  loaded: LoadedConfig | null;
  rclone: { binary: string; version: string } | null;
}

const labels: Record<CheckId, string> = {
  rclone: "rclone installed",
  config: "config valid",
  remote: "remote configured",
  credentials: "credentials accepted",
  reachable: "remote reachable",
  remotePath: "remote path present",
};

const check = (id: CheckId, ok: boolean | null, detail: string, fix?: string): Check =>
  fix === undefined ? { id, label: labels[id], ok, detail } : { id, label: labels[id], ok, detail, fix };

/** The fix an error carries (`...: run X`), split from what went wrong. */
function splitFix(message: string): { detail: string; fix?: string } {
  const at = message.search(/: (?:run|set|install|edit|create|change) /i);
  return at === -1 ? { detail: message } : { detail: message.slice(0, at), fix: message.slice(at + 2) };
}

export async function diagnose(
  effects: DiagnoseEffects,
  options: { offline?: boolean } = {},
): Promise<Diagnosis> {
  const checks: Check[] = [];
  const done = (loaded: LoadedConfig | null, rclone: Diagnosis["rclone"]): Diagnosis => ({
    ok: checks.every((c) => c.ok !== false),
    checks,
    loaded,
    rclone,
  });

  let binary: string;
  let version: RcloneVersion;
  try {
    binary = await effects.findRclone();
    version = await effects.readVersion(binary);
  } catch (error) {
    checks.push(check("rclone", false, splitFix(messageOf(error)).detail, effects.installHint()));
    return done(null, null);
  }
  const features = rcloneFeatures(version);
  const newer = features.missing.length > 0 ? `; a newer rclone adds ${features.missing.join(", ")}` : "";
  checks.push(check("rclone", true, `${version.raw} at ${binary}: ${features.available.join(", ")}${newer}`));
  const rclone = { binary, version: version.raw };

  let loaded: LoadedConfig;
  try {
    loaded = await effects.loadConfig();
  } catch (error) {
    checks.push(
      check("config", false, messageOf(error), "edit the config: every problem above names its key"),
    );
    return done(null, rclone);
  }
  const { sync } = loaded;
  const warned = loaded.warnings.length > 0 ? ` (${loaded.warnings.length} warning(s))` : "";
  checks.push(
    check("config", true, `${loaded.source}: mode ${sync.mode}, provider ${sync.provider}${warned}`),
  );

  let remote: PlannedRemote;
  try {
    remote = await effects.prepareRemote(loaded);
  } catch (error) {
    const { detail, fix } = splitFix(messageOf(error));
    checks.push(check("remote", false, detail, fix));
    return done(loaded, rclone);
  }
  const imported = remote.imported ? `; ${remote.imported}` : "";
  checks.push(
    check("remote", true, `${remote.remoteName}: ${remote.describe}, in ${remote.configPath}${imported}`),
  );
  if (options.offline) return done(loaded, rclone);

  // The version read above says what this rclone's exit codes mean (1.69 swapped 1 and 2).
  const exitCodes = capabilitiesOf(version).exitCodes;
  const probe = await effects.rclone(
    binary,
    ["lsjson", "--max-depth", "1", "--no-mimetype", remote.remoteBase],
    remote,
    exitCodes,
  );
  if (!probe.ok) {
    const { kind, message, hint } = probe.failure;
    if (kind === "auth") {
      checks.push(check("credentials", false, message, authFix(sync.provider)));
    } else if (kind === "not-found") {
      // A missing bucket or root folder: rclone makes it on the first upload.
      checks.push(check("credentials", true, "accepted"), check("reachable", true, "answered"));
      checks.push(
        check("remotePath", true, `${remote.remoteBase} is not there yet: the first sync creates it`),
      );
    } else if (kind === "retryable" || kind === "timeout") {
      checks.push(check("credentials", null, "not checked: the remote did not answer"));
      checks.push(check("reachable", false, message, hint ?? "check the network and the remote's address"));
    } else {
      checks.push(check("credentials", false, message, hint ?? authFix(sync.provider)));
    }
    return done(loaded, rclone);
  }
  checks.push(check("credentials", true, "accepted"));
  checks.push(check("reachable", true, `answered in ${probe.durationMs} ms`));

  const listed = await effects.rclone(
    binary,
    ["lsf", "--max-depth", "1", remote.remoteRoot],
    remote,
    exitCodes,
  );
  if (listed.ok) {
    const entries = listed.stdout.split("\n").filter((line) => line !== "").length;
    checks.push(check("remotePath", true, `${remote.remoteRoot} (${entries} entries at the top)`));
  } else if (listed.failure.kind === "not-found") {
    checks.push(
      check("remotePath", true, `${remote.remoteRoot} is not there yet: the first sync creates it`),
    );
  } else {
    checks.push(check("remotePath", false, listed.failure.message, listed.failure.hint));
  }
  return done(loaded, rclone);
}

function authFix(provider: string): string {
  if (provider === "dropbox" || provider === "gdrive" || provider === "onedrive") {
    return `run \`${runnable(`authorize --provider ${provider}`)}\` to get a new token`;
  }
  if (provider === "s3")
    return "check `s3.accessKeyId` and `s3.secretAccessKey` (and the bucket's permissions)";
  return "check the credentials in the config (`custom.rcloneOptions`; passwords obscured with `rclone obscure`)";
}

/** Every check's text through `redact` (a secret in an rclone message never reaches the output). */
export function redactChecks(checks: readonly Check[], redact: Redact = noRedaction): Check[] {
  return checks.map((c) => ({
    ...c,
    detail: redact(c.detail),
    ...(c.fix === undefined ? {} : { fix: redact(c.fix) }),
  }));
}
