/** What each rclone version unlocks for this tool (read from rclone's changelogs and flags per tag). */
import type { RcloneVersion } from "../rclone/binary.js";
import { rcloneAtLeast } from "../rclone/binary.js";

interface Feature {
  name: string;
  since: [number, number];
}

const features: readonly Feature[] = [
  { name: "mailbox and mirror sync", since: [1, 50] },
  { name: "bisync", since: [1, 58] },
  { name: "bisync --resilient and --create-empty-src-dirs", since: [1, 64] },
  { name: "bisync --conflict-resolve, --recover and --max-lock", since: [1, 66] },
];

export interface FeatureReport {
  available: string[];
  /** What a newer rclone would add, with the version that adds it. */
  missing: string[];
}

export function rcloneFeatures(version: RcloneVersion): FeatureReport {
  const available: string[] = [];
  const missing: string[] = [];
  for (const feature of features) {
    const [major, minor] = feature.since;
    if (rcloneAtLeast(version, major, minor)) available.push(feature.name);
    else missing.push(`${feature.name} (${major}.${minor})`);
  }
  return { available, missing };
}

/** The command that installs rclone from this OS's package manager (never a download piped to a shell). */
export function rcloneInstallCommand(
  platform: NodeJS.Platform,
  has: (command: string) => boolean,
  root: boolean,
): string {
  const sudo = root ? "" : "sudo ";
  if (platform === "darwin") return has("brew") ? "brew install rclone" : "port install rclone";
  if (platform === "win32") return has("winget") ? "winget install Rclone.Rclone" : "choco install rclone";
  if (has("apt-get")) return `${sudo}apt-get install -y rclone`;
  if (has("dnf")) return `${sudo}dnf install -y rclone`;
  if (has("pacman")) return `${sudo}pacman -S --noconfirm rclone`;
  if (has("zypper")) return `${sudo}zypper install -y rclone`;
  if (has("apk")) return `${sudo}apk add rclone`;
  if (has("brew")) return "brew install rclone";
  return "install rclone with your package manager (https://rclone.org/downloads/)";
}
