import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildUnnestInsert, buildValuesInsert, insertRows, MAX_BIND_PARAMETERS } from "./insert-rows.js";
import type { MetadataQueryable, MetadataTransaction, QueryResult, SqlValue } from "./types.js";

const columns = [
  { key: "run_id", quoted: '"run_id"', type: "text" },
  { key: "step", quoted: '"step"', type: "int8" },
];

/** Records statements instead of running them; each "insert" reports every row it was given. */
function recorder() {
  const statements: { sql: string; params: readonly SqlValue[] }[] = [];
  let transactions = 0;
  const db: MetadataQueryable = {
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
      statements.push({ sql, params });
      const rows = sql.includes("unnest")
        ? (params[0] as unknown[]).length
        : (sql.match(/\(\$/g) ?? []).length;
      return { rows: [], rowCount: rows };
    },
    async transaction<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
      transactions++;
      return fn({ ...db, depth: 1 });
    },
  };
  return { db, statements, transactions: () => transactions };
}

describe("insert statement builders", () => {
  it("builds one unnest statement with one array per column", () => {
    const { sql, params } = buildUnnestInsert("tracking_metrics", columns, [
      { run_id: "a", step: 1 },
      { run_id: "b" },
    ]);
    expect(sql).toBe(
      'INSERT INTO "tracking_metrics" ("run_id", "step") SELECT * FROM unnest($1::text[], $2::int8[])',
    );
    expect(params).toEqual([
      ["a", "b"],
      [1, null],
    ]);
  });

  it("builds a VALUES list with typed placeholders and an ON CONFLICT clause", () => {
    const { sql, params } = buildValuesInsert(
      ["s", "t"],
      columns,
      [
        { run_id: "a", step: 1 },
        { run_id: "b", step: 2 },
      ],
      "ON CONFLICT DO NOTHING",
    );
    expect(sql).toBe(
      'INSERT INTO "s"."t" ("run_id", "step") VALUES ($1::text, $2::int8), ($3::text, $4::int8) ON CONFLICT DO NOTHING',
    );
    expect(params).toEqual(["a", 1, "b", 2]);
  });
});

describe("insertRows", () => {
  it("chunks VALUES statements under the bind-parameter limit, in one transaction", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 70_000 }),
        async (width, count) => {
          const { db, statements, transactions } = recorder();
          const cols = Object.fromEntries(
            Array.from({ length: width }, (_, i) => [`c${i}`, i === 0 ? "text[]" : "int4"]),
          );
          const rows = Array.from({ length: count }, () => ({}));
          expect(await insertRows(db, { table: "t", columns: cols, rows })).toBe(count);
          for (const s of statements) expect(s.params.length).toBeLessThanOrEqual(MAX_BIND_PARAMETERS);
          expect(statements.reduce((n, s) => n + s.params.length / width, 0)).toBe(count);
          expect(transactions()).toBe(statements.length > 1 ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sends unnest chunks of chunkSize rows", async () => {
    const { db, statements } = recorder();
    const rows = Array.from({ length: 25 }, (_, i) => ({ run_id: "r", step: i }));
    expect(
      await insertRows(db, { table: "t", columns: { run_id: "text", step: "int8" }, rows, chunkSize: 10 }),
    ).toBe(25);
    expect(statements.map((s) => (s.params[1] as number[]).length)).toEqual([10, 10, 5]);
  });

  it("validates columns, types and chunk size before running anything", async () => {
    const { db, statements } = recorder();
    const rows = [{ a: 1 }];
    await expect(insertRows(db, { table: "t", columns: {}, rows })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(
      insertRows(db, { table: "t", columns: { a: "int4) ; DROP TABLE t; --" }, rows }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(
      insertRows(db, { table: "t", columns: { a: "int4[]" }, rows, chunkSize: 70_000 }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(
      insertRows(db, { table: "t", columns: { a: "int4" }, rows, chunkSize: 0 }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    for (const type of ["numeric(12,4)", "timestamp with time zone", "varchar(20)[]", "jsonb"]) {
      await insertRows(db, { table: "t", columns: { a: type }, rows });
    }
    expect(statements).toHaveLength(4);
  });
});
