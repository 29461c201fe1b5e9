import { z } from "zod";

/**
 * Names of entities, sources, views, transforms, services, features and join keys: a letter, then
 * letters, digits or `_`. They appear in `view:feature` references, Parquet columns and online keys,
 * so `:`, `@`, spaces and double underscores (the online namespace separator) are refused.
 */
export const definitionNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, "use a letter, then up to 127 letters, digits or '_'")
  .refine((name) => !name.includes("__"), "must not contain '__' (reserved as a separator)");
