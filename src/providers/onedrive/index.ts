/**
 * `onedrive`: rclone's onedrive backend. rclone needs the token and which drive to use
 * (`drive_id`, `drive_type`): both come from the config, or from `workspace-sync authorize --provider
 * onedrive`, which stores the token and finds the account's default drive.
 */
import { tokenSecrets } from "../../rclone/oauth-token.js";
import { runnable } from "../../util/command.js";
import { type Provider, ProviderConfigError } from "../types.js";

/** The config's drive types as rclone spells them (a SharePoint library is a `documentLibrary`). */
export const rcloneDriveType = {
  personal: "personal",
  business: "business",
  sharepoint: "documentLibrary",
} as const;

export const onedriveProvider: Provider = {
  name: "onedrive",
  remote({ config }) {
    const onedrive = config.onedrive ?? {};
    if (onedrive.driveId && !onedrive.driveType) {
      throw new ProviderConfigError(
        "`onedrive.driveType` is required with `onedrive.driveId`: one of personal, business, sharepoint",
      );
    }
    const section: Record<string, string> = { type: "onedrive" };
    if (onedrive.token) section.token = onedrive.token;
    if (onedrive.driveId) section.drive_id = onedrive.driveId;
    if (onedrive.driveType) section.drive_type = rcloneDriveType[onedrive.driveType];
    const authorize = `run \`${runnable("authorize --provider onedrive")}\``;
    return {
      section,
      secrets: tokenSecrets(onedrive.token),
      describe: `OneDrive${onedrive.driveType ? ` (${onedrive.driveType})` : ""}`,
      oauth: {
        backend: "onedrive",
        stored: ["token", "drive_id", "drive_type"],
        required: [
          { option: "token", fix: `${authorize}, or set \`onedrive.token\`` },
          {
            option: "drive_id",
            fix: `${authorize} (it finds your drive), or set \`onedrive.driveId\` and \`onedrive.driveType\``,
          },
        ],
      },
    };
  },
};
