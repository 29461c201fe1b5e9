export { fromArrowField, fromArrowSchema, fromArrowType } from "./from-arrow-schema.js";
export {
  type LogicalField,
  type LogicalFieldInput,
  type LogicalSchema,
  type LogicalSchemaInput,
  logicalFieldSchema,
  logicalSchemaSchema,
  parseLogicalSchema,
} from "./logical-schema.js";
export {
  type LogicalListType,
  type LogicalScalarType,
  type LogicalType,
  type LogicalTypeInput,
  logicalListTypeSchema,
  logicalScalarTypeSchema,
  logicalTypeSchema,
} from "./logical-type.js";
export { SchemaInvalidError, type SchemaIssue } from "./schema-invalid-error.js";
export {
  LIST_ITEM_NAME,
  TIMESTAMP_TIME_ZONE,
  toArrowField,
  toArrowSchema,
  toArrowType,
} from "./to-arrow-schema.js";
