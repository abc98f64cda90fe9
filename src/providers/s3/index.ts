/**
 * `s3`: any S3-compatible store. `bucket` becomes the first path element, so files go to
 * `<bucket>/<remotePath>`. Without keys rclone reads the usual AWS credential chain (`env_auth`).
 */
import { type Provider, ProviderConfigError } from "../types.js";

export const s3Provider: Provider = {
  name: "s3",
  remote({ config }) {
    const s3 = config.s3 ?? {};
    if (!s3.bucket) throw new ProviderConfigError('`s3.bucket` is required with `provider: "s3"`');
    if (Boolean(s3.accessKeyId) !== Boolean(s3.secretAccessKey)) {
      throw new ProviderConfigError("`s3.accessKeyId` and `s3.secretAccessKey` must be given together");
    }
    const section: Record<string, string> = {
      type: "s3",
      provider: s3.provider ?? (s3.endpoint ? "Other" : "AWS"),
    };
    if (s3.accessKeyId && s3.secretAccessKey) {
      section.access_key_id = s3.accessKeyId;
      section.secret_access_key = s3.secretAccessKey;
    } else {
      section.env_auth = "true";
    }
    if (s3.region) section.region = s3.region;
    if (s3.endpoint) {
      section.endpoint = s3.endpoint;
      section.force_path_style = "true";
    }
    return {
      section,
      secrets: [s3.secretAccessKey, s3.accessKeyId].filter((v): v is string => Boolean(v)),
      pathPrefix: [s3.bucket],
      endpointKey: s3.endpoint ? "s3.endpoint" : "s3.region",
      describe: `s3 bucket ${s3.bucket}${s3.endpoint ? ` at ${s3.endpoint}` : ""}`,
    };
  },
};
