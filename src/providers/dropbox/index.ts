/**
 * `dropbox`: rclone's dropbox backend. The token comes from the config (`dropbox.token`) or from
 * `workspace-sync authorize`, which stores it in the project's rclone.conf. `appKey`/`appSecret` are
 * your own Dropbox app's (rclone's `client_id`/`client_secret`); with an "App folder" app
 * (`appFolder: true`) the remote's root is `Apps/<app name>`, so `remotePath` may be "".
 */
import { tokenSecrets } from "../../rclone/oauth-token.js";
import { runnable } from "../../util/command.js";
import { type Provider, ProviderConfigError } from "../types.js";

export const dropboxProvider: Provider = {
  name: "dropbox",
  remote({ config }) {
    const dropbox = config.dropbox ?? {};
    if (Boolean(dropbox.appKey) !== Boolean(dropbox.appSecret)) {
      throw new ProviderConfigError("`dropbox.appKey` and `dropbox.appSecret` must be given together");
    }
    if (dropbox.appFolder && !dropbox.appKey) {
      throw new ProviderConfigError(
        "`dropbox.appFolder` needs your App-folder app's `dropbox.appKey` and `dropbox.appSecret` (with rclone's own app the remote is your whole Dropbox)",
      );
    }
    const section: Record<string, string> = { type: "dropbox" };
    if (dropbox.appKey && dropbox.appSecret) {
      section.client_id = dropbox.appKey;
      section.client_secret = dropbox.appSecret;
    }
    if (dropbox.token) section.token = dropbox.token;
    return {
      section,
      secrets: [dropbox.appSecret, dropbox.appKey, ...tokenSecrets(dropbox.token)].filter((v): v is string =>
        Boolean(v),
      ),
      describe: dropbox.appFolder ? "Dropbox app folder" : "Dropbox",
      oauth: {
        backend: "dropbox",
        stored: ["token"],
        required: [
          {
            option: "token",
            fix: `run \`${runnable("authorize --provider dropbox")}\`, or set \`dropbox.token\``,
          },
        ],
      },
    };
  },
};
