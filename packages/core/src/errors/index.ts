export { BallastError, type BallastErrorCode, type BallastErrorOptions } from "./ballast-error.js";
export { ConfigError, type ConfigIssue } from "./config-error.js";
export { DependencyMissingError, importPeer } from "./dependency-missing-error.js";
