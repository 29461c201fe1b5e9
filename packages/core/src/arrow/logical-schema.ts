import { z } from "zod";
import { logicalTypeSchema } from "./logical-type.js";
import { SchemaInvalidError } from "./schema-invalid-error.js";

/**
 * One column: a name, a logical type, and whether values may be null (default true, as in Arrow).
 *
 * @example
 * logicalFieldSchema.parse({ name: "event_time", type: "timestamp", nullable: false })
 */
export const logicalFieldSchema = z.strictObject({
  name: z.string().min(1, "a column name cannot be empty"),
  type: logicalTypeSchema,
  nullable: z.boolean().default(true),
});

/** A column as parsed. */
export type LogicalField = z.infer<typeof logicalFieldSchema>;
/** A column as written by a user. */
export type LogicalFieldInput = z.input<typeof logicalFieldSchema>;

/**
 * An ordered list of columns with unique names: the description of a table in Ballast's logical
 * types, which maps one-to-one to an Arrow schema ({@link toArrowSchema}, {@link fromArrowSchema}).
 */
export const logicalSchemaSchema = z
  .strictObject({ fields: z.array(logicalFieldSchema) })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>();
    schema.fields.forEach((field, i) => {
      if (seen.has(field.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["fields", i, "name"],
          message: `duplicate column name "${field.name}"`,
        });
      }
      seen.add(field.name);
    });
  });

/** A schema as parsed. */
export type LogicalSchema = z.infer<typeof logicalSchemaSchema>;
/** A schema as written by a user. */
export type LogicalSchemaInput = z.input<typeof logicalSchemaSchema>;

/**
 * Validates an unknown value as a {@link LogicalSchema}, filling in defaults.
 *
 * @throws SchemaInvalidError `SCHEMA_INVALID` listing each bad column (by name when known) and the fix.
 *
 * @example
 * const schema = parseLogicalSchema({ fields: [{ name: "id", type: "int64", nullable: false }] })
 */
export function parseLogicalSchema(value: unknown): LogicalSchema {
  const result = logicalSchemaSchema.safeParse(value);
  if (result.success) return result.data;
  const fields = (value as { fields?: unknown } | null)?.fields;
  throw new SchemaInvalidError(
    result.error.issues.map((issue) => {
      const index = issue.path[1];
      const name =
        Array.isArray(fields) && typeof index === "number"
          ? (fields[index] as { name?: unknown } | undefined)?.name
          : undefined;
      return {
        column:
          typeof name === "string" && name !== ""
            ? name
            : issue.path.length
              ? issue.path.join(".")
              : "(schema)",
        problem: `${issue.path.slice(2).join(".") || "value"}: ${issue.message}`,
        fix: "use { name, type, nullable } with type one of bool, int32, int64, float32, float64, string, bytes, timestamp, or { list: <one of those> }, and unique names",
      };
    }),
    { cause: result.error },
  );
}
