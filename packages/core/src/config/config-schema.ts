import { z } from "zod";
import { allowedSchemes, type BackendKind } from "./backend-uri.js";

function backendUri(kind: BackendKind) {
  const schemes = allowedSchemes(kind);
  return z
    .string()
    .min(1)
    .refine((value) => schemes.some((scheme) => value.toLowerCase().startsWith(`${scheme}://`)), {
      message: `a URI starting with ${schemes.map((s) => `${s}://`).join(", ")}`,
    });
}

/**
 * The configuration a user writes: in `ballast.config.ts`/`.json`, as `BALLAST_*` environment
 * variables, or as arguments. Every key is optional; embedded defaults live under `root`.
 */
export const ballastConfigSchema = z
  .object({
    /** Workspace (tenant) id: keeps several teams' data apart in one database. */
    workspace: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, '_' or '-', at most 63 characters")
      .optional(),
    /** Directory of the embedded defaults, relative to the config file (default `.ballast`). */
    root: z.string().min(1).optional(),
    /** Metadata database: `pglite://<dir>`, `pglite://memory` or `postgres://...`. */
    metadata: backendUri("metadata").optional(),
    /** Blob storage for artifacts and Parquet: `file://<dir>`, `s3://bucket/prefix`, `gs://bucket/prefix`. */
    artifacts: backendUri("artifacts").optional(),
    /** Event streams: `log://<dir>` or `kafka://host:9092[,host:9092]`. */
    stream: backendUri("stream").optional(),
    /** Online feature store: `embedded://<dir>`, `redis://host:6379`, `redis+cluster://h1:7000,h2:7001`. */
    online: backendUri("online").optional(),
  })
  .strict();

/** What a user writes; see {@link ballastConfigSchema}. */
export type BallastConfig = z.input<typeof ballastConfigSchema>;

/** Environment variables read by {@link loadConfig}, and the key each sets. */
export const CONFIG_ENV_VARIABLES = {
  BALLAST_WORKSPACE: "workspace",
  BALLAST_ROOT: "root",
  BALLAST_METADATA: "metadata",
  BALLAST_ARTIFACTS: "artifacts",
  BALLAST_STREAM: "stream",
  BALLAST_ONLINE: "online",
} as const satisfies Record<string, keyof BallastConfig>;

/**
 * Declares a configuration with types, for `ballast.config.ts`.
 *
 * @example
 * // ballast.config.ts
 * export default defineConfig({ metadata: "postgres://ml@db:5432/ballast", artifacts: "s3://ml-artifacts/prod" });
 */
export function defineConfig(config: BallastConfig): BallastConfig {
  return config;
}
