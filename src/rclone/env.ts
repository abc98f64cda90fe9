/** Variables a child rclone may inherit from its parent; everything else is dropped. */
export const inheritedEnvVars: readonly string[] = [
  "PATH",
  "HOME",
  "TMPDIR",
  "LANG",
  "LC_ALL",
  "TZ",
  "USER",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

/**
 * A minimal environment for a child rclone: the {@link inheritedEnvVars} that are set in `parent`, then
 * `extra` (for example `RCLONE_CONFIG`). No `RCLONE_*` or `AWS_*` variable leaks in from the parent
 * (`AWS_CA_BUNDLE` makes every rclone 1.60 S3 call fail), nor anything else.
 */
export function cleanEnv(
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of inheritedEnvVars) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) env[name] = value;
  return env;
}
