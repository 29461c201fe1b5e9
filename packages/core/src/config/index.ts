export {
  allowedSchemes,
  BACKEND_SCHEMES,
  type BackendKind,
  type BackendUri,
  parseBackendUri,
} from "./backend-uri.js";
export {
  type BallastConfig,
  ballastConfigSchema,
  CONFIG_ENV_VARIABLES,
  defineConfig,
} from "./config-schema.js";
export { CONFIG_FILE_NAMES, type LoadConfigOptions, loadConfig, type ResolvedConfig } from "./load-config.js";
