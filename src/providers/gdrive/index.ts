/**
 * `gdrive`: rclone's `drive` backend (Google Drive). The token comes from the config (`gdrive.token`)
 * or from `workspace-sync authorize --provider gdrive`; `teamDrive` picks a shared drive and
 * `rootFolderId` a folder to act as the root.
 */
import { tokenSecrets } from "../../rclone/oauth-token.js";
import { runnable } from "../../util/command.js";
import type { Provider } from "../types.js";

export const gdriveProvider: Provider = {
  name: "gdrive",
  remote({ config }) {
    const gdrive = config.gdrive ?? {};
    const section: Record<string, string> = { type: "drive", scope: "drive" };
    if (gdrive.token) section.token = gdrive.token;
    if (gdrive.teamDrive) section.team_drive = gdrive.teamDrive;
    if (gdrive.rootFolderId) section.root_folder_id = gdrive.rootFolderId;
    const where = gdrive.teamDrive ? "shared drive" : "My Drive";
    return {
      section,
      secrets: tokenSecrets(gdrive.token),
      describe: `Google Drive (${where}${gdrive.rootFolderId ? ", from a root folder" : ""})`,
      oauth: {
        backend: "drive",
        stored: ["token"],
        required: [
          {
            option: "token",
            fix: `run \`${runnable("authorize --provider gdrive")}\`, or set \`gdrive.token\``,
          },
        ],
      },
    };
  },
};
