import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeData, RecordBatch, Struct, Table, vectorFromArray } from "apache-arrow";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromArrowSchema } from "../arrow/from-arrow-schema.js";
import type { LogicalField, LogicalSchema } from "../arrow/logical-schema.js";
import { type LogicalScalarType, logicalScalarTypeSchema } from "../arrow/logical-type.js";
import { toArrowSchema, toArrowType } from "../arrow/to-arrow-schema.js";
import { createLocalBlobStore } from "../blob-store/local/local-blob-store.js";
import type { BlobStore } from "../blob-store/types.js";
import { readParquet } from "./read-parquet.js";
import { writeParquet } from "./write-parquet.js";

let dir: string;
let store: BlobStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ballast-parquet-prop-"));
  store = await createLocalBlobStore(dir);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** JS values of each logical type, as Arrow JS reads them back (the expectation is the input itself). */
const scalarValue: Record<LogicalScalarType, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  float32: fc.float(),
  float64: fc.double(),
  string: fc.string({ unit: "grapheme", maxLength: 12 }),
  bytes: fc.uint8Array({ maxLength: 12 }),
  // Epoch ms within JS Date's range (±8.64e15).
  timestamp: fc.integer({ min: -8.64e15, max: 8.64e15 }),
};

function cellArbitrary(field: LogicalField): fc.Arbitrary<unknown> {
  const maybeNull = <T>(arbitrary: fc.Arbitrary<T>, nullable: boolean) =>
    nullable ? fc.option(arbitrary, { nil: null }) : arbitrary;
  const type = field.type;
  const inner =
    typeof type === "string"
      ? scalarValue[type]
      : fc.array(maybeNull(scalarValue[type.list], type.elementNullable), { maxLength: 4 });
  return maybeNull(inner, field.nullable);
}

const scalar = fc.constantFrom(...logicalScalarTypeSchema.options);
const schemaArbitrary: fc.Arbitrary<LogicalSchema> = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
      type: fc.oneof(scalar, fc.record({ list: scalar, elementNullable: fc.boolean() })),
      nullable: fc.boolean(),
    }),
    { selector: (field) => field.name, minLength: 1, maxLength: 6 },
  )
  .map((fields) => ({ fields }));

const caseArbitrary = schemaArbitrary.chain((schema) =>
  fc.record({
    schema: fc.constant(schema),
    rows: fc.array(fc.tuple(...schema.fields.map(cellArbitrary)), { maxLength: 25 }),
    rowGroupSize: fc.integer({ min: 1, max: 10 }),
  }),
);

/** A table with exactly the schema's nullability (building from vectors alone would mark all nullable). */
function tableOf(schema: LogicalSchema, rows: unknown[][]): Table {
  const arrowSchema = toArrowSchema(schema);
  const children = schema.fields.map((field, i) => {
    const vector = vectorFromArray(rows.map((row) => row[i]) as never, toArrowType(field.type));
    return vector.data[0]!;
  });
  const data = makeData({
    type: new Struct(arrowSchema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  return new Table(arrowSchema, [new RecordBatch(arrowSchema, data)]);
}

function cell(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === "object" &&
    Symbol.iterator in value &&
    !(value instanceof Uint8Array)
  ) {
    return [...(value as Iterable<unknown>)];
  }
  return value;
}

describe("Parquet round trip (property)", () => {
  it("any logical schema and values: write then read gives the same schema and values", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async ({ schema, rows, rowGroupSize }) => {
        const key = `prop-${run++}.parquet`;
        await writeParquet(store, key, tableOf(schema, rows), { rowGroupSize });
        const back = await readParquet(store, key);
        expect(fromArrowSchema(back.schema)).toEqual(schema);
        const got = Array.from({ length: back.numRows }, (_, r) =>
          schema.fields.map((field) => cell(back.getChild(field.name)!.get(r))),
        );
        expect(got).toEqual(rows);
      }),
      { numRuns: 40 },
    );
  });
});
