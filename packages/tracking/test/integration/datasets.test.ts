import { createHash } from "node:crypto";
import { newId, writeParquet } from "@ballast/core";
import { Float64, Int32, Table, TimestampMillisecond, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { getDataset, listDatasets, listRunInputs } from "../../src/datasets/get-dataset.js";
import { logDataset } from "../../src/datasets/log-dataset.js";
import { trackingBackends } from "../backends.js";
import { expectCode } from "../expect-code.js";
import { seedRun } from "../seed-run.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Fixture with hand-computed statistics:
 *   x    = 1.5, null, 3.5, 2.0, 5.0  → count 4, min 1.5, max 5, mean 12/4 = 3, distinct 4
 *   n    = 1, 2, 2, null, 7          → count 4, min 1, max 7, mean 12/4 = 3, distinct 3
 *   city = a, b, a, null, null       → count 3, nulls 2, distinct 2
 *   ts   = 3000, 1000, null, 2000, 1000 → count 4, min 1000, max 3000, distinct 3
 */
function fixture(): Table {
  return new Table({
    x: vectorFromArray([1.5, null, 3.5, 2.0, 5.0], new Float64()),
    n: vectorFromArray([1, 2, 2, null, 7], new Int32()),
    city: vectorFromArray(["a", "b", "a", null, null], new Utf8()),
    ts: vectorFromArray([3000, 1000, null, 2000, 1000], new TimestampMillisecond("UTC")),
  });
}

const EXPECTED_PROFILE = {
  columns: [
    {
      name: "x",
      arrowType: "Float64",
      count: 4,
      nullCount: 1,
      distinct: { count: 4, exact: true },
      min: 1.5,
      max: 5,
      mean: 3,
      nonFiniteCount: 0,
    },
    {
      name: "n",
      arrowType: "Int32",
      count: 4,
      nullCount: 1,
      distinct: { count: 3, exact: true },
      min: 1,
      max: 7,
      mean: 3,
    },
    { name: "city", arrowType: "Utf8", count: 3, nullCount: 2, distinct: { count: 2, exact: true } },
    {
      name: "ts",
      arrowType: "Timestamp<MILLISECOND, UTC>",
      count: 4,
      nullCount: 1,
      distinct: { count: 3, exact: true },
      min: 1000,
      max: 3000,
    },
  ],
};

const EXPECTED_TYPES = [
  ["x", "float64"],
  ["n", "int32"],
  ["city", "string"],
  ["ts", "timestamp"],
];

describe.each(trackingBackends())("datasets on $name", (backend) => {
  it("records an Arrow table: IPC digest, schema, row count and profile", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const table = fixture();
    const record = await logDataset(ctx, runId, table, { name: "train" });
    expect(record.digest).toBe(sha256(tableToIPC(table, "stream")));
    expect(record.rowCount).toBe(5);
    expect(record.sourceUri).toBeUndefined();
    expect(record.schema.fields.map((f) => [f.name, f.type])).toEqual(EXPECTED_TYPES);
    expect(record.profile).toEqual(EXPECTED_PROFILE);
    expect(await getDataset(ctx, record.id)).toEqual(record);
  });

  it("records a Parquet file: file digest, footer schema and a streamed profile", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const key = `data/${newId()}.parquet`;
    // Two rows per row group, so the profile is built across three scanned groups.
    await writeParquet(ctx.blobs, key, fixture(), { rowGroupSize: 2 });
    const record = await logDataset(ctx, runId, { key }, { name: "train-file", context: "validation" });
    expect(record.digest).toBe(sha256(await ctx.blobs.getBytes(key)));
    expect(record.rowCount).toBe(5);
    expect(record.sourceUri).toBe(`${ctx.blobs.uri.replace(/\/+$/, "")}/${key}`);
    expect(record.schema.fields.map((f) => [f.name, f.type])).toEqual(EXPECTED_TYPES);
    // Statistics must match the in-memory ones; only the type strings may differ after the round trip.
    expect(record.profile.columns.map(({ arrowType: _t, ...rest }) => rest)).toEqual(
      EXPECTED_PROFILE.columns.map(({ arrowType: _t, ...rest }) => rest),
    );
    expect(await listRunInputs(ctx, runId)).toEqual([{ dataset: record, context: "validation" }]);
  });

  it("records rows of plain objects", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const record = await logDataset(
      ctx,
      runId,
      [
        { age: 30, city: "Oslo", seen: new Date(5000) },
        { age: 40, city: null, seen: new Date(1000) },
      ],
      { name: "rows", sourceUri: "memory://rows" },
    );
    expect(record).toMatchObject({ rowCount: 2, sourceUri: "memory://rows" });
    expect(record.schema.fields.map((f) => f.type)).toEqual(["float64", "string", "timestamp"]);
    expect(record.profile.columns[0]).toMatchObject({ min: 30, max: 40, mean: 35 });
    expect(record.profile.columns[2]).toMatchObject({ min: 1000, max: 5000 });
  });

  it("records one dataset per (name, digest) and links every consuming run", async () => {
    const ctx = await backend.open();
    const [runA, runB] = [await seedRun(ctx), await seedRun(ctx)];
    const first = await logDataset(ctx, runA, fixture(), { name: "shared" });
    const second = await logDataset(ctx, runB, fixture(), { name: "shared", sourceUri: "s3://later/fill" });
    const again = await logDataset(ctx, runB, fixture(), { name: "shared", context: "test" });
    expect(second.id).toBe(first.id);
    expect(second.sourceUri).toBe("s3://later/fill");
    expect(again.sourceUri).toBe("s3://later/fill");
    const { rows } = await ctx.db.query<{ run_id: string; context: string }>(
      "SELECT run_id, context FROM tracking_run_inputs WHERE workspace_id = $1 AND dataset_id = $2 ORDER BY run_id, context",
      [ctx.workspaceId, first.id],
    );
    expect(rows).toEqual(
      [
        { run_id: runA, context: "training" },
        { run_id: runB, context: "test" },
        { run_id: runB, context: "training" },
      ].sort((a, b) => (a.run_id + a.context < b.run_id + b.context ? -1 : 1)),
    );
    const other = await logDataset(ctx, runA, fixture().slice(0, 3), { name: "shared" });
    expect(other.id).not.toBe(first.id);
    expect((await listDatasets(ctx, { name: "shared" })).map((d) => d.id).sort()).toEqual(
      [first.id, other.id].sort(),
    );
    expect(await getDataset(ctx, { name: "shared", digest: first.digest })).toMatchObject({ id: first.id });
    expect((await listRunInputs(ctx, runB)).map((input) => input.context)).toEqual(["test", "training"]);
  });

  it("fails with RUN_NOT_FOUND, DATASET_NOT_FOUND and DATASET_INVALID", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    await expectCode(logDataset(ctx, newId(), fixture(), { name: "x" }), "RUN_NOT_FOUND");
    await expectCode(getDataset(ctx, newId()), "DATASET_NOT_FOUND");
    await expectCode(logDataset(ctx, runId, fixture(), { name: " " }), "DATASET_INVALID");
    await expectCode(logDataset(ctx, runId, [{ a: 1 }, { a: "b" }], { name: "mixed" }), "DATASET_INVALID");
    await expectCode(
      logDataset(ctx, runId, { key: `missing/${newId()}.parquet` }, { name: "gone" }),
      "BLOB_NOT_FOUND",
    );
    expect(await listDatasets(ctx)).toEqual([]);
  });

  it("keeps workspaces apart", async () => {
    const a = await backend.open();
    const b = await backend.open();
    const runA = await seedRun(a);
    const record = await logDataset(a, runA, fixture(), { name: "private" });
    await expectCode(getDataset(b, record.id), "DATASET_NOT_FOUND");
    await expectCode(getDataset(b, { name: "private", digest: record.digest }), "DATASET_NOT_FOUND");
    expect(await listDatasets(b)).toEqual([]);
    await expectCode(listRunInputs(b, runA), "RUN_NOT_FOUND");
    await expectCode(logDataset(b, runA, fixture(), { name: "private" }), "RUN_NOT_FOUND");
  });
});
