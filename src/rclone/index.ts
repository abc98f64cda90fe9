export {
  findRclone,
  parseRcloneVersion,
  RcloneNotFoundError,
  type RcloneVersion,
  RcloneVersionError,
  rcloneAtLeast,
  rcloneBinaryEnvVar,
  readRcloneVersion,
} from "./binary.js";
export { type Classification, type ClassifyInput, classifyFailure, oneLine } from "./classify.js";
export {
  parseRcloneConfig,
  RcloneConfigParseError,
  RcloneConfigValueError,
  type RcloneRemotes,
  readRcloneConfig,
  renderRcloneConfig,
  writeRcloneConfig,
} from "./config-file.js";
export { cleanEnv, inheritedEnvVars } from "./env.js";
export {
  createRcloneLogParser,
  parseLogLine,
  parseRcloneLog,
  type RcloneFileChange,
  type RcloneLogLine,
  type RcloneLogParser,
  type RcloneLogParserOptions,
  type RcloneLogSummary,
  toTransferStats,
} from "./json-log.js";
export {
  hasControlChar,
  RemotePathError,
  redactSecrets,
  remoteNamePattern,
  remoteSpec,
  shellQuote,
} from "./remote.js";
export { killProcessGroup, type RcloneResult, type RcloneRunOptions, rcloneArgs, runRclone } from "./run.js";
