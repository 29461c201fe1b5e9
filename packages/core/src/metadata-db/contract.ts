import { afterEach, describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { insertRows } from "./insert-rows.js";
import type { MetadataDatabase, MetadataTransaction, MigrationSet } from "./types.js";

/** How the contract suite reaches one implementation. */
export interface MetadataDatabaseContractOptions {
  /** Suite title, for example "PGlite (in memory)". */
  name: string;
  /** Opens a database on fresh, empty storage (its own directory, schema or database). Called per test. */
  open: () => Promise<MetadataDatabase>;
  /** The dialect `open` is expected to report. */
  dialect: MetadataDatabase["dialect"];
  /** Per-test timeout in milliseconds (default 30,000): some tests insert tens of thousands of rows. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function caught(promise: Promise<unknown>): Promise<BallastError> {
  try {
    await promise;
  } catch (error) {
    expect(BallastError.isInstance(error)).toBe(true);
    return error as BallastError;
  }
  throw new Error("expected the promise to reject");
}

async function tableExists(db: MetadataDatabase, name: string): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [
    name,
  ]);
  return rows[0]!.present;
}

async function count(db: MetadataDatabase, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${sql}`, params as never[]);
  return rows[0]!.n;
}

/**
 * The behaviour every {@link MetadataDatabase} implementation must show. Each backend's test file calls
 * this once per configuration; it registers a vitest `describe` block.
 */
export function runMetadataDatabaseContract(options: MetadataDatabaseContractOptions): void {
  describe(`MetadataDatabase contract: ${options.name}`, { timeout: options.timeoutMs ?? 30_000 }, () => {
    const opened: MetadataDatabase[] = [];
    const open = async () => {
      const db = await options.open();
      opened.push(db);
      return db;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((db) => db.close()));
    });

    it("identifies itself", async () => {
      const db = await open();
      expect(db.specificationVersion).toBe("v1");
      expect(db.dialect).toBe(options.dialect);
    });

    describe("query", () => {
      it("binds and decodes every common type the same way", async () => {
        const db = await open();
        const at = new Date("2024-03-01T12:34:56.789Z");
        const { rows, rowCount } = await db.query(
          `SELECT $1::text AS t, $2::int4 AS i, $3::int8 AS big, $4::float8 AS f, $5::bool AS b,
                  $6::jsonb AS j, $7::timestamptz AS ts, $8::bytea AS bytes, $9::text AS nothing,
                  $10::int8[] AS ints, $11::text[] AS texts, $12::float8[] AS floats,
                  $13::int8 AS from_bigint, 1.25::numeric AS num, '2024-03-01'::date AS day,
                  '2024-03-01 12:00:00'::timestamp AS naive, $14::text AS undef`,
          [
            "héllo 'quoted' \"x\"",
            -42,
            9_007_199_254_740_991,
            0.1,
            true,
            JSON.stringify({ a: [1, "two", null], b: { c: true } }),
            at,
            new Uint8Array([0, 1, 254, 255]),
            null,
            [1, 2, 3],
            ["a", "b,c", 'd"e', ""],
            [1.5, -2.25],
            12_345_678_901n,
            undefined,
          ],
        );
        expect(rowCount).toBe(1);
        const row = rows[0]!;
        expect(row.t).toBe("héllo 'quoted' \"x\"");
        expect(row.i).toBe(-42);
        expect(row.big).toBe(9_007_199_254_740_991);
        expect(row.f).toBe(0.1);
        expect(row.b).toBe(true);
        expect(row.j).toEqual({ a: [1, "two", null], b: { c: true } });
        expect(row.ts).toBeInstanceOf(Date);
        expect((row.ts as Date).toISOString()).toBe(at.toISOString());
        expect(row.bytes).toBeInstanceOf(Uint8Array);
        expect(Array.from(row.bytes as Uint8Array)).toEqual([0, 1, 254, 255]);
        expect(row.nothing).toBeNull();
        expect(row.ints).toEqual([1, 2, 3]);
        expect(row.texts).toEqual(["a", "b,c", 'd"e', ""]);
        expect(row.floats).toEqual([1.5, -2.25]);
        expect(row.from_bigint).toBe(12_345_678_901);
        expect(row.num).toBe("1.25");
        expect(row.day).toBe("2024-03-01");
        expect((row.naive as Date).toISOString()).toBe("2024-03-01T12:00:00.000Z");
        expect(row.undef).toBeNull();
      });

      it("round-trips values through a table, with arrays in ANY()", async () => {
        const db = await open();
        await db.query(
          `CREATE TABLE contract_types (id int8 PRIMARY KEY, name text, score float8, ok bool, meta jsonb,
             at timestamptz, blob bytea, tags text[])`,
        );
        const insert = await db.query(
          "INSERT INTO contract_types VALUES ($1, $2, $3, $4, $5, $6, $7, $8), ($9, $10, $11, $12, $13, $14, $15, $16)",
          [
            1,
            "one",
            1.5,
            true,
            JSON.stringify([1, 2]),
            new Date(0),
            new Uint8Array([7]),
            ["x", "y"],
            2,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
          ],
        );
        expect(insert.rowCount).toBe(2);
        const { rows } = await db.query("SELECT * FROM contract_types WHERE id = ANY($1) ORDER BY id", [
          [1, 2],
        ]);
        expect(rows).toHaveLength(2);
        expect(rows[0]).toMatchObject({
          id: 1,
          name: "one",
          score: 1.5,
          ok: true,
          meta: [1, 2],
          tags: ["x", "y"],
        });
        expect((rows[0]!.at as Date).getTime()).toBe(0);
        expect(Array.from(rows[0]!.blob as Uint8Array)).toEqual([7]);
        expect(rows[1]).toMatchObject({ id: 2, name: null, score: null, ok: null, meta: null, tags: null });
        const update = await db.query("UPDATE contract_types SET name = $1 WHERE id > $2", ["n", 0]);
        expect(update.rowCount).toBe(2);
      });

      it("refuses an int8 that a number cannot hold instead of rounding it", async () => {
        const db = await open();
        const error = await caught(db.query("SELECT $1::int8 AS v", ["9007199254740993"]));
        expect(error.code).toBe("DATABASE_ERROR");
        const { rows } = await db.query<{ v: string }>("SELECT $1::int8::text AS v", ["9007199254740993"]);
        expect(rows[0]!.v).toBe("9007199254740993");
      });

      it("reports failures as DATABASE_ERROR with the SQLSTATE and the cause", async () => {
        const db = await open();
        const syntax = await caught(db.query("SELEC 1"));
        expect(syntax.code).toBe("DATABASE_ERROR");
        expect(syntax.retryable).toBe(false);
        expect(syntax.details?.sqlstate).toBe("42601");
        expect(syntax.cause).toBeDefined();
        await db.query("CREATE TABLE contract_nn (v text NOT NULL)");
        const notNull = await caught(db.query("INSERT INTO contract_nn VALUES ($1)", [null]));
        expect(notNull.details?.sqlstate).toBe("23502");
        // The database stays usable after a failed statement.
        expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      });

      it("runs one statement per call", async () => {
        const db = await open();
        const error = await caught(db.query("SELECT 1; SELECT 2"));
        expect(error.code).toBe("DATABASE_ERROR");
      });
    });

    describe("transaction", () => {
      it("commits when the callback resolves and returns its value", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_tx (v text)");
        const value = await db.transaction(async (tx) => {
          expect(tx.depth).toBe(1);
          await tx.query("INSERT INTO contract_tx VALUES ($1)", ["a"]);
          await tx.query("INSERT INTO contract_tx VALUES ($1)", ["b"]);
          return "done";
        });
        expect(value).toBe("done");
        expect(await count(db, "contract_tx")).toBe(2);
      });

      it("rolls back and rethrows the callback's own error", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_tx (v text)");
        const boom = new Error("boom");
        await expect(
          db.transaction(async (tx) => {
            await tx.query("INSERT INTO contract_tx VALUES ($1)", ["a"]);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await count(db, "contract_tx")).toBe(0);
      });

      it("rolls back DDL too", async () => {
        const db = await open();
        await expect(
          db.transaction(async (tx) => {
            await tx.query("CREATE TABLE contract_ddl (v text)");
            throw new Error("undo");
          }),
        ).rejects.toThrow("undo");
        expect(await tableExists(db, "contract_ddl")).toBe(false);
      });

      it("refuses to report success when a failed statement aborted the transaction", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_tx (v text NOT NULL)");
        const error = await caught(
          db.transaction(async (tx) => {
            await tx.query("INSERT INTO contract_tx VALUES ($1)", ["kept?"]);
            await tx.query("INSERT INTO contract_tx VALUES ($1)", [null]).catch(() => undefined);
          }),
        );
        expect(error.code).toBe("DATABASE_ERROR");
        expect(await count(db, "contract_tx")).toBe(0);
      });

      it("turns nested transactions into savepoints", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_tx (v text)");
        await db.transaction(async (tx) => {
          await tx.query("INSERT INTO contract_tx VALUES ('outer')");
          await tx
            .transaction(async (inner) => {
              expect(inner.depth).toBe(2);
              await inner.query("INSERT INTO contract_tx VALUES ('inner-undone')");
              throw new Error("inner fails");
            })
            .catch(() => undefined);
          await tx.transaction(async (inner) => {
            await inner.transaction(async (innermost) => {
              expect(innermost.depth).toBe(3);
              await innermost.query("INSERT INTO contract_tx VALUES ('innermost')");
            });
          });
          // Concurrent nested calls on one handle run one after the other.
          await Promise.all(
            ["p1", "p2", "p3"].map((v) =>
              tx.transaction(async (inner) => {
                await sleep(2);
                await inner.query("INSERT INTO contract_tx VALUES ($1)", [v]);
              }),
            ),
          );
        });
        const { rows } = await db.query<{ v: string }>("SELECT v FROM contract_tx ORDER BY v");
        expect(rows.map((r) => r.v)).toEqual(["innermost", "outer", "p1", "p2", "p3"]);
      });

      it("refuses the database itself inside its own transaction callback instead of hanging", async () => {
        const db = await open();
        let detached: Promise<unknown> | undefined;
        const error = await caught(
          db.transaction(async () => {
            detached = sleep(5).then(() => db.query("SELECT 1 AS later"));
            await db.query("SELECT 1");
          }),
        );
        expect(error.code).toBe("DATABASE_ERROR");
        expect(error.details?.reason).toBe("database-used-inside-transaction");
        // Work started in the callback but run after the transaction ended may use the database.
        expect(((await detached) as { rows: unknown[] }).rows).toEqual([{ later: 1 }]);
      });

      it("rejects a handle used after its transaction ended", async () => {
        const db = await open();
        let leaked: MetadataTransaction | undefined;
        await db.transaction(async (tx) => {
          leaked = tx;
        });
        const error = await caught(leaked!.query("SELECT 1"));
        expect(error.code).toBe("RESOURCE_CLOSED");
      });

      it("keeps concurrent transactions and statements from interleaving", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_tx (v text)");
        const failing = db.transaction(async (tx) => {
          await tx.query("INSERT INTO contract_tx VALUES ('rolled-back')");
          await sleep(20);
          throw new Error("rollback");
        });
        const committing = db.transaction(async (tx) => {
          await tx.query("INSERT INTO contract_tx VALUES ('committed')");
          await sleep(5);
          await tx.query("INSERT INTO contract_tx VALUES ('committed-2')");
        });
        const plain = db.query("INSERT INTO contract_tx VALUES ('autocommit')");
        await expect(failing).rejects.toThrow("rollback");
        await committing;
        await plain;
        const { rows } = await db.query<{ v: string }>("SELECT v FROM contract_tx ORDER BY v");
        expect(rows.map((r) => r.v)).toEqual(["autocommit", "committed", "committed-2"]);
      });

      it("serialises read-modify-write transactions that lock the row", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_counter (id int4 PRIMARY KEY, n int8 NOT NULL)");
        await db.query("INSERT INTO contract_counter VALUES (1, 0)");
        await Promise.all(
          Array.from({ length: 10 }, () =>
            db.transaction(async (tx) => {
              const { rows } = await tx.query<{ n: number }>(
                "SELECT n FROM contract_counter WHERE id = 1 FOR UPDATE",
              );
              await sleep(1);
              await tx.query("UPDATE contract_counter SET n = $1 WHERE id = 1", [rows[0]!.n + 1]);
            }),
          ),
        );
        const { rows } = await db.query<{ n: number }>("SELECT n FROM contract_counter");
        expect(rows[0]!.n).toBe(10);
      });
    });

    describe("migrate", () => {
      const tracking: MigrationSet = {
        package: "tracking",
        migrations: [
          { id: "0001_create_runs", sql: "CREATE TABLE contract_runs (id text PRIMARY KEY);" },
          {
            id: "0002_add_name",
            sql: "ALTER TABLE contract_runs ADD COLUMN name text;\nINSERT INTO contract_runs VALUES ('seed', 'seeded');",
          },
          { id: "0003_index", sql: "CREATE INDEX contract_runs_name ON contract_runs (name)" },
        ],
      };

      it("applies pending migrations once, in order, and records them", async () => {
        const db = await open();
        const events: string[] = [];
        const first = await db.migrate(tracking, {
          onProgress: (e) => events.push(`${e.index}/${e.total}:${e.id}`),
        });
        expect(first).toEqual({
          package: "tracking",
          applied: ["0001_create_runs", "0002_add_name", "0003_index"],
          skipped: [],
        });
        expect(events).toEqual(["1/3:0001_create_runs", "2/3:0002_add_name", "3/3:0003_index"]);
        const { rows } = await db.query<{ package: string; id: string; checksum: string; applied_at: Date }>(
          "SELECT package, id, checksum, applied_at FROM ballast_migrations ORDER BY id",
        );
        expect(rows.map((r) => r.id)).toEqual(["0001_create_runs", "0002_add_name", "0003_index"]);
        expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(rows[0]!.applied_at).toBeInstanceOf(Date);
        expect(await count(db, "contract_runs")).toBe(1);
      });

      it("is idempotent: a rerun applies nothing and runs no migration SQL", async () => {
        const db = await open();
        await db.migrate(tracking);
        const again = await db.migrate(tracking);
        expect(again.applied).toEqual([]);
        expect(again.skipped).toEqual(["0001_create_runs", "0002_add_name", "0003_index"]);
        expect(await count(db, "contract_runs")).toBe(1);
      });

      it("applies only the migrations added since the last run", async () => {
        const db = await open();
        await db.migrate({ package: "tracking", migrations: tracking.migrations.slice(0, 1) });
        const next = await db.migrate(tracking);
        expect(next.applied).toEqual(["0002_add_name", "0003_index"]);
        expect(next.skipped).toEqual(["0001_create_runs"]);
      });

      it("rolls a failed migration back, names it, and leaves the earlier ones applied", async () => {
        const db = await open();
        const broken: MigrationSet = {
          package: "tracking",
          migrations: [
            tracking.migrations[0]!,
            {
              id: "0002_broken",
              sql: "CREATE TABLE contract_half (v text);\nINSERT INTO contract_runs VALUES ('x');\nSELECT * FROM no_such_table;",
            },
            { id: "0003_never", sql: "CREATE TABLE contract_never (v text)" },
          ],
        };
        const error = await caught(db.migrate(broken));
        expect(error.code).toBe("MIGRATION_FAILED");
        expect(error.message).toContain("tracking/0002_broken");
        expect(error.details).toMatchObject({
          package: "tracking",
          migration: "0002_broken",
          sqlstate: "42P01",
        });
        expect(BallastError.isInstance(error.cause, "DATABASE_ERROR")).toBe(true);
        expect(await tableExists(db, "contract_half")).toBe(false);
        expect(await tableExists(db, "contract_never")).toBe(false);
        expect(await count(db, "contract_runs")).toBe(0);
        const { rows } = await db.query<{ id: string }>("SELECT id FROM ballast_migrations");
        expect(rows.map((r) => r.id)).toEqual(["0001_create_runs"]);
      });

      it("refuses an applied migration whose SQL changed, naming it", async () => {
        const db = await open();
        await db.migrate(tracking);
        const edited: MigrationSet = {
          package: "tracking",
          migrations: tracking.migrations.map((m) =>
            m.id === "0002_add_name" ? { ...m, sql: m.sql.replace("name text", "name varchar") } : m,
          ),
        };
        const error = await caught(db.migrate(edited));
        expect(error.code).toBe("MIGRATION_FAILED");
        expect(error.message).toContain("tracking/0002_add_name");
        expect(error.details).toMatchObject({ package: "tracking", migration: "0002_add_name" });
        // Line endings alone are not an edit.
        const crlf = {
          ...tracking,
          migrations: tracking.migrations.map((m) => ({ ...m, sql: m.sql.replaceAll("\n", "\r\n") })),
        };
        expect((await db.migrate(crlf)).applied).toEqual([]);
      });

      it("refuses a history that lost an applied migration or inserted one before it", async () => {
        const db = await open();
        const [a, b, c] = ["a", "b", "c"].map((name, i) => ({
          id: `000${i + 1}_${name}`,
          sql: `CREATE TABLE contract_history_${name} (v text)`,
        }));
        await db.migrate({ package: "tracking", migrations: [a!, c!] });
        const inserted = await caught(db.migrate({ package: "tracking", migrations: [a!, b!, c!] }));
        expect(inserted.code).toBe("MIGRATION_FAILED");
        expect(inserted.details).toMatchObject({ migration: "0002_b" });
        expect(await tableExists(db, "contract_history_b")).toBe(false);
        const lost = await caught(db.migrate({ package: "tracking", migrations: [a!] }));
        expect(lost.code).toBe("MIGRATION_FAILED");
        expect(lost.details).toMatchObject({ migration: "0003_c" });
      });

      it("keeps each package's history independent", async () => {
        const db = await open();
        const features: MigrationSet = {
          package: "features",
          migrations: [{ id: "0001_create_runs", sql: "CREATE TABLE contract_features (v text)" }],
        };
        expect((await db.migrate(tracking)).applied).toHaveLength(3);
        expect((await db.migrate(features)).applied).toEqual(["0001_create_runs"]);
        expect((await db.migrate(tracking)).applied).toEqual([]);
        expect(await count(db, "ballast_migrations WHERE package = $1", ["features"])).toBe(1);
        expect(await count(db, "ballast_migrations WHERE package = $1", ["tracking"])).toBe(3);
      });

      it("applies each migration once when called concurrently", async () => {
        const db = await open();
        const reports = await Promise.all([db.migrate(tracking), db.migrate(tracking), db.migrate(tracking)]);
        const applied = reports.flatMap((r) => r.applied).sort();
        expect(applied).toEqual(["0001_create_runs", "0002_add_name", "0003_index"]);
        expect(await count(db, "contract_runs")).toBe(1);
      });

      it("validates the set and stops when aborted", async () => {
        const db = await open();
        const duplicate = await caught(
          db.migrate({ package: "tracking", migrations: [tracking.migrations[0]!, tracking.migrations[0]!] }),
        );
        expect(duplicate.code).toBe("MIGRATION_FAILED");
        expect((await caught(db.migrate({ package: "", migrations: [] }))).code).toBe("MIGRATION_FAILED");
        const controller = new AbortController();
        controller.abort();
        expect((await caught(db.migrate(tracking, { signal: controller.signal }))).code).toBe("ABORTED");
        expect(await tableExists(db, "contract_runs")).toBe(false);
      });
    });

    describe("insertRows", () => {
      it("inserts many rows of every column type in chunks", async () => {
        const db = await open();
        await db.query(
          `CREATE TABLE contract_points (run_id text, step int8, value float8, ok bool, at timestamptz,
             meta jsonb, blob bytea, note text)`,
        );
        const rows = Array.from({ length: 25_000 }, (_, i) => ({
          run_id: `run-${i % 7}`,
          step: i,
          value: i / 4,
          ok: i % 2 === 0,
          at: new Date(1_700_000_000_000 + i),
          meta: JSON.stringify({ i, tag: i % 3 === 0 ? 'x"y' : null }),
          blob: new Uint8Array([i % 256]),
          note: i % 5 === 0 ? null : `n,{${i}}`,
        }));
        const inserted = await insertRows(db, {
          table: "contract_points",
          columns: {
            run_id: "text",
            step: "int8",
            value: "float8",
            ok: "bool",
            at: "timestamptz",
            meta: "jsonb",
            blob: "bytea",
            note: "text",
          },
          rows,
        });
        expect(inserted).toBe(25_000);
        expect(await count(db, "contract_points")).toBe(25_000);
        const { rows: back } = await db.query(
          "SELECT * FROM contract_points WHERE step = ANY($1) ORDER BY step",
          [[0, 3, 24_999]],
        );
        expect(
          back.map((r) => ({ ...r, at: (r.at as Date).getTime(), blob: Array.from(r.blob as Uint8Array) })),
        ).toEqual(
          [0, 3, 24_999].map((i) => ({
            ...rows[i]!,
            at: rows[i]!.at.getTime(),
            meta: JSON.parse(rows[i]!.meta),
            blob: [i % 256],
          })),
        );
      });

      it("uses multi-row VALUES for array columns, under the parameter limit", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_tags (id int4, tags text[], scores float8[])");
        const rows = Array.from({ length: 40_000 }, (_, i) => ({
          id: i,
          tags: [`t${i}`, "b,c"],
          scores: [i, 0.5],
        }));
        expect(
          await insertRows(db, {
            table: "contract_tags",
            columns: { id: "int4", tags: "text[]", scores: "float8[]" },
            rows,
          }),
        ).toBe(40_000);
        const { rows: back } = await db.query("SELECT * FROM contract_tags WHERE id = 39999");
        expect(back).toEqual([{ id: 39_999, tags: ["t39999", "b,c"], scores: [39_999, 0.5] }]);
      });

      it("inserts all chunks or none", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_unique (id int4 PRIMARY KEY)");
        const rows = Array.from({ length: 300 }, (_, i) => ({ id: i === 250 ? 5 : i }));
        const error = await caught(
          insertRows(db, { table: "contract_unique", columns: { id: "int4" }, rows, chunkSize: 100 }),
        );
        expect(error.details?.sqlstate).toBe("23505");
        expect(await count(db, "contract_unique")).toBe(0);
        // Inside a transaction the chunks use a savepoint, and the outer work survives a caught failure.
        await db.transaction(async (tx) => {
          await tx.query("INSERT INTO contract_unique VALUES (1000)");
          await insertRows(tx, {
            table: "contract_unique",
            columns: { id: "int4" },
            rows,
            chunkSize: 100,
          }).catch(() => undefined);
        });
        expect(await count(db, "contract_unique")).toBe(1);
      });

      it("supports ON CONFLICT, quoted names and empty input", async () => {
        const db = await open();
        await db.query('CREATE TABLE "Contract Odd" ("Key" text PRIMARY KEY, "va""lue" int4)');
        const columns = { Key: "text", 'va"lue': "int4" };
        const rows = [
          { Key: "a", 'va"lue': 1 },
          { Key: "b", 'va"lue': 2 },
        ];
        expect(await insertRows(db, { table: "Contract Odd", columns, rows })).toBe(2);
        expect(
          await insertRows(db, {
            table: "Contract Odd",
            columns,
            rows,
            onConflict: 'ON CONFLICT ("Key") DO NOTHING',
          }),
        ).toBe(0);
        expect(await insertRows(db, { table: "Contract Odd", columns, rows: [] })).toBe(0);
        const bad = await caught(
          insertRows(db, { table: "Contract Odd", columns: { Key: "text; DROP TABLE x" }, rows }),
        );
        expect(bad.code).toBe("VALIDATION_FAILED");
      });
    });

    describe("close", () => {
      it("waits for running work, then refuses new work", async () => {
        const db = await open();
        await db.query("CREATE TABLE contract_close (v text)");
        const running = db.transaction(async (tx) => {
          await sleep(10);
          await tx.query("INSERT INTO contract_close VALUES ('finished')");
        });
        const closing = db.close();
        await running;
        await closing;
        expect((await caught(db.query("SELECT 1"))).code).toBe("RESOURCE_CLOSED");
        expect((await caught(db.transaction(async () => undefined))).code).toBe("RESOURCE_CLOSED");
        await db.close();
        await db[Symbol.asyncDispose]();
      });
    });
  });
}
