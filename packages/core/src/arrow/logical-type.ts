import { z } from "zod";

/**
 * The scalar logical types of Ballast schemas (DESIGN.md §5). Each maps to exactly one Arrow type:
 * `bool`→Bool, `int32`→Int32, `int64`→Int64 (bigint in JS), `float32`→Float32, `float64`→Float64,
 * `string`→Utf8, `bytes`→Binary, `timestamp`→Timestamp(ms, "UTC") (epoch milliseconds in JS).
 */
export const logicalScalarTypeSchema = z.enum([
  "bool",
  "int32",
  "int64",
  "float32",
  "float64",
  "string",
  "bytes",
  "timestamp",
]);

/** One of the scalar logical types. */
export type LogicalScalarType = z.infer<typeof logicalScalarTypeSchema>;

/**
 * A list of one scalar type: Arrow `List<item: T>`. Lists do not nest; `elementNullable` says
 * whether an element (not the list) may be null, and defaults to true as in Arrow.
 */
export const logicalListTypeSchema = z.strictObject({
  list: logicalScalarTypeSchema,
  elementNullable: z.boolean().default(true),
});

/** A list type, as parsed (`elementNullable` filled in). */
export type LogicalListType = z.infer<typeof logicalListTypeSchema>;

/**
 * A logical type: a scalar name (`"int64"`) or a list of a scalar (`{ list: "string" }`).
 *
 * @example
 * logicalTypeSchema.parse("timestamp")
 * logicalTypeSchema.parse({ list: "float32", elementNullable: false })
 */
export const logicalTypeSchema = z.union([logicalScalarTypeSchema, logicalListTypeSchema]);

/** A logical type as parsed. */
export type LogicalType = z.infer<typeof logicalTypeSchema>;
/** A logical type as written by a user (list `elementNullable` optional). */
export type LogicalTypeInput = z.input<typeof logicalTypeSchema>;
