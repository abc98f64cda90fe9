/** The providers this version can write a remote for. One folder per backend. */
import type { ProviderName } from "./blocks.js";
import { customProvider } from "./custom/index.js";
import { dropboxProvider } from "./dropbox/index.js";
import { gdriveProvider } from "./gdrive/index.js";
import { localProvider } from "./local/index.js";
import { onedriveProvider } from "./onedrive/index.js";
import { s3Provider } from "./s3/index.js";
import type { Provider } from "./types.js";

export {
  type OAuthBackend,
  type OAuthRemote,
  type Provider,
  ProviderConfigError,
  type ProviderSettings,
  type RemoteDefinition,
} from "./types.js";

const providers: Readonly<Record<string, Provider>> = {
  local: localProvider,
  dropbox: dropboxProvider,
  gdrive: gdriveProvider,
  onedrive: onedriveProvider,
  s3: s3Provider,
  custom: customProvider,
};

export class ProviderOffError extends Error {
  override readonly name = "ProviderOffError";
  constructor() {
    super('sync is off (`provider` is "off"): set `provider` to a cloud, or `local` to try it on a folder');
  }
}

export function providerFor(config: { provider: ProviderName | "off" }): Provider {
  if (config.provider === "off") throw new ProviderOffError();
  const provider = providers[config.provider];
  if (!provider) throw new Error(`\`provider\`: "${config.provider}" is not supported by this version yet`);
  return provider;
}
