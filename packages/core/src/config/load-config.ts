import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { z } from "zod";
import { BallastError } from "../errors/ballast-error.js";
import { ConfigError, type ConfigIssue } from "../errors/config-error.js";
import { type BackendUri, parseBackendUri } from "./backend-uri.js";
import { type BallastConfig, ballastConfigSchema, CONFIG_ENV_VARIABLES } from "./config-schema.js";

/** Config file names looked up in the working directory, first match wins. */
export const CONFIG_FILE_NAMES = [
  "ballast.config.ts",
  "ballast.config.mts",
  "ballast.config.js",
  "ballast.config.mjs",
  "ballast.config.json",
] as const;

export interface LoadConfigOptions {
  /** Directory searched for a config file (default `process.cwd()`). */
  cwd?: string;
  /** An explicit config file, or `false` to read none. Default: `BALLAST_CONFIG`, then a search of `cwd`. */
  configFile?: string | false;
  /** Environment to read `BALLAST_*` variables from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Explicit arguments: the highest precedence. */
  overrides?: BallastConfig;
}

/** A validated configuration with every backend URI parsed and local paths made absolute. */
export interface ResolvedConfig {
  workspace: string;
  /** Absolute directory of the embedded defaults. */
  root: string;
  /** Directory relative paths resolve against: the config file's, or `cwd`. */
  baseDir: string;
  /** The config file read, when one was. */
  configFile?: string;
  metadata: BackendUri;
  artifacts: BackendUri;
  stream: BackendUri;
  online: BackendUri;
}

/**
 * Loads the configuration: the config file, then `BALLAST_*` environment variables, then
 * `overrides`, each layer overriding the one before key by key. Missing keys get embedded defaults
 * under `root` (`.ballast`): PGlite, local files, the local event log, the embedded online store.
 *
 * @throws ConfigError (`CONFIG_INVALID`) listing every bad key with its source, the value given and
 *   what is allowed. Unknown `BALLAST_*` variables are reported too, since they are usually typos.
 * @example const config = await loadConfig({ overrides: { metadata: "pglite://memory" } });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const configFile = findConfigFile(options.configFile, env, cwd);
  const baseDir = configFile ? dirname(configFile) : cwd;

  const issues: ConfigIssue[] = [];
  const layers: BallastConfig[] = [];
  if (configFile) {
    const raw = await readConfigFile(configFile);
    layers.push(validateLayer(raw, (path) => `${path} (in ${configFile})`, issues));
  }
  layers.push(validateLayer(envLayer(env, issues), (path) => envName(path), issues));
  if (options.overrides) layers.push(validateLayer(options.overrides, (path) => path, issues));
  if (issues.length > 0) throw new ConfigError(issues);

  const merged: BallastConfig = Object.assign({}, ...layers);
  const root = resolve(baseDir, merged.root ?? ".ballast");
  const uris = {
    metadata: merged.metadata ?? `pglite://${resolve(root, "db")}`,
    artifacts: merged.artifacts ?? `file://${resolve(root, "artifacts")}`,
    stream: merged.stream ?? `log://${resolve(root, "streams")}`,
    online: merged.online ?? `embedded://${resolve(root, "online")}`,
  };
  return {
    workspace: merged.workspace ?? "default",
    root,
    baseDir,
    ...(configFile ? { configFile } : {}),
    metadata: parseBackendUri("metadata", uris.metadata, baseDir),
    artifacts: parseBackendUri("artifacts", uris.artifacts, baseDir),
    stream: parseBackendUri("stream", uris.stream, baseDir),
    online: parseBackendUri("online", uris.online, baseDir),
  };
}

function findConfigFile(
  explicit: string | false | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): string | undefined {
  if (explicit === false) return undefined;
  const named = explicit ?? env.BALLAST_CONFIG;
  if (named) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) {
      throw new ConfigError([{ path: "configFile", received: named, expected: "an existing config file" }]);
    }
    return path;
  }
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

async function readConfigFile(path: string): Promise<unknown> {
  try {
    if (path.endsWith(".json")) return JSON.parse(readFileSync(path, "utf8"));
    if (/\.m?ts$/.test(path)) {
      // Node 20 cannot import TypeScript itself; jiti transpiles the one file in process.
      const { createJiti } = await import("jiti");
      return await createJiti(path).import(path, { default: true });
    }
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    return module.default ?? module;
  } catch (cause) {
    throw new BallastError("CONFIG_INVALID", `Could not read the config file ${path}.`, {
      cause,
      hint: "Fix the syntax error in it, or point BALLAST_CONFIG at another file.",
      details: { configFile: path },
    });
  }
}

function envLayer(env: Record<string, string | undefined>, issues: ConfigIssue[]): Record<string, string> {
  const layer: Record<string, string> = {};
  const known = CONFIG_ENV_VARIABLES as Record<string, string>;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("BALLAST_") || value === undefined) continue;
    // BALLAST_CONFIG names the file; BALLAST_TEST_* belong to the test suites.
    if (name === "BALLAST_CONFIG" || name.startsWith("BALLAST_TEST_")) continue;
    const key = known[name];
    if (key) layer[key] = value;
    else issues.push({ path: name, received: value, expected: `one of ${Object.keys(known).join(", ")}` });
  }
  return layer;
}

function envName(path: string): string {
  const entry = Object.entries(CONFIG_ENV_VARIABLES).find(([, key]) => key === path);
  return entry ? entry[0] : path;
}

function validateLayer(raw: unknown, label: (path: string) => string, issues: ConfigIssue[]): BallastConfig {
  const result = ballastConfigSchema.safeParse(raw);
  if (result.success) return dropUndefined(result.data);
  for (const issue of result.error.issues) issues.push(toIssue(issue, raw, label));
  return {};
}

function toIssue(issue: z.core.$ZodIssue, raw: unknown, label: (path: string) => string): ConfigIssue {
  if (issue.code === "unrecognized_keys") {
    return {
      path: label(issue.keys.join(", ")),
      received: "an unknown key",
      expected: `only ${Object.keys(ballastConfigSchema.shape).join(", ")}`,
    };
  }
  const path = issue.path.map(String).join(".");
  return { path: label(path), received: redact(valueAt(raw, issue.path)), expected: issue.message };
}

/** Hides the password of a URI so error messages can be logged. */
function redact(value: unknown): unknown {
  return typeof value === "string" ? value.replace(/(\/\/[^:/@]+:)[^@/]+@/, "$1***@") : value;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

function dropUndefined(config: BallastConfig): BallastConfig {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
}
