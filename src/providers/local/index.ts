/**
 * `local`: a folder on this machine acting as the cloud, for demos, tests and NAS mounts.
 * Written as an rclone `alias` of the folder, so paths read `cloud:<remotePath>` like every provider.
 */
import { mkdir } from "node:fs/promises";
import { defaultLocalCloud } from "../../paths.js";
import type { Provider } from "../types.js";

export const localProvider: Provider = {
  name: "local",
  remote({ config, stateDir }) {
    const root = config.local.path ?? defaultLocalCloud(stateDir);
    return {
      section: { type: "alias", remote: root },
      secrets: [],
      prepare: async () => {
        await mkdir(root, { recursive: true });
      },
      describe: `local folder ${root}`,
    };
  },
};
