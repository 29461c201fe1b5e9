import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { BallastError } from "../../src/errors/ballast-error.js";
import { runMetadataDatabaseContract } from "../../src/metadata-db/contract.js";
import { createPostgresDatabase } from "../../src/metadata-db/postgres/postgres-database.js";
import type { MetadataDatabase, MigrationSet } from "../../src/metadata-db/types.js";

const url = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");

// The resolver loads the published sub-path `@ballast/core/postgres`, which resolves to the built
// package; that test runs once `npm run build` has produced it.
const built = await import("@ballast/core/postgres").then(
  (mod: Record<string, unknown>) => typeof mod.createPostgresDatabase === "function",
  () => false,
);
if (url && !built)
  console.warn("[skip] openMetadataDatabase(postgres://): @ballast/core is not built (run: npm run build)");

describe.skipIf(!url)("PostgreSQL metadata database", () => {
  // Every database opened here lives in its own schema (search_path set on each connection), so the
  // migrations table is per test too, and parallel suites on one server never see each other's tables.
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const schemas: string[] = [];
  const freshSchema = async () => {
    const schema = `ballast_test_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  runMetadataDatabaseContract({
    name: "PostgreSQL (pg pool)",
    dialect: "postgres",
    open: async () => createPostgresDatabase({ url: url!, schema: await freshSchema(), poolSize: 4 }),
  });

  describe("concurrent migrators", () => {
    const slowMigrations: MigrationSet = {
      package: "tracking",
      migrations: [
        // Not idempotent on purpose: a second run of any of these fails or duplicates a row.
        { id: "0001_runs", sql: "CREATE TABLE runs (id text PRIMARY KEY); SELECT pg_sleep(0.05);" },
        { id: "0002_seed", sql: "INSERT INTO runs VALUES ('seed'); SELECT pg_sleep(0.05);" },
        { id: "0003_metrics", sql: "CREATE TABLE metrics (run_id text REFERENCES runs (id), v float8)" },
        { id: "0004_alter", sql: "ALTER TABLE runs ADD COLUMN name text; SELECT pg_sleep(0.02);" },
      ],
    };

    it("applies each migration exactly once when independent pools migrate one fresh schema at once", async () => {
      const schema = await freshSchema();
      const migrators: MetadataDatabase[] = Array.from({ length: 4 }, () =>
        createPostgresDatabase({ url: url!, schema, poolSize: 1 }),
      );
      try {
        const reports = await Promise.all(migrators.map((db) => db.migrate(slowMigrations)));
        const applied = reports.flatMap((r) => r.applied).sort();
        expect(applied).toEqual(["0001_runs", "0002_seed", "0003_metrics", "0004_alter"]);
        for (const report of reports) {
          expect([...report.applied, ...report.skipped].sort()).toEqual(applied);
        }
        const seeded = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.runs`);
        expect(seeded.rows[0].n).toBe(1);
        const recorded = await admin.query(`SELECT id FROM ${schema}.ballast_migrations ORDER BY id`);
        expect(recorded.rows.map((r) => r.id)).toEqual(applied);
      } finally {
        await Promise.all(migrators.map((db) => db.close()));
      }
    });

    it("does not make migrators of different schemas wait for each other's lock key", async () => {
      const [a, b] = [await freshSchema(), await freshSchema()];
      const dbA = createPostgresDatabase({ url: url!, schema: a, poolSize: 1 });
      const dbB = createPostgresDatabase({ url: url!, schema: b, poolSize: 1 });
      try {
        const [ra, rb] = await Promise.all([dbA.migrate(slowMigrations), dbB.migrate(slowMigrations)]);
        expect(ra.applied).toHaveLength(4);
        expect(rb.applied).toHaveLength(4);
      } finally {
        await Promise.all([dbA.close(), dbB.close()]);
      }
    });
  });

  describe("errors", () => {
    it("marks serialization failures and deadlocks retryable, with the SQLSTATE", async () => {
      await using db = createPostgresDatabase({ url: url!, schema: await freshSchema() });
      for (const sqlstate of ["40001", "40P01"]) {
        const error = await db
          .query(`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '${sqlstate}'; END $$`)
          .then(
            () => undefined,
            (e: unknown) => e as BallastError,
          );
        if (!error) throw new Error("expected a failure");
        expect(BallastError.isInstance(error, "DATABASE_ERROR")).toBe(true);
        expect(error.retryable).toBe(true);
        expect(error.details?.sqlstate).toBe(sqlstate);
        expect((error.cause as { code?: string }).code).toBe(sqlstate);
      }
    });

    it("reports a real serialization conflict as retryable", async () => {
      await using db = createPostgresDatabase({ url: url!, schema: await freshSchema(), poolSize: 2 });
      await db.query("CREATE TABLE ledger (id int PRIMARY KEY, n int)");
      await db.query("INSERT INTO ledger VALUES (1, 0)");
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reads = 0;
      const attempt = () =>
        db.transaction(async (tx) => {
          await tx.query("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
          const { rows } = await tx.query<{ n: number }>("SELECT n FROM ledger WHERE id = 1");
          if (++reads === 2) release();
          await bothRead;
          await tx.query("UPDATE ledger SET n = $1 WHERE id = 1", [rows[0]!.n + 1]);
        });
      const results = await Promise.allSettled([attempt(), attempt()]);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(failures).toHaveLength(1);
      expect(BallastError.isInstance(failures[0]!.reason, "DATABASE_ERROR")).toBe(true);
      expect(failures[0]!.reason.retryable).toBe(true);
      expect(failures[0]!.reason.details.sqlstate).toBe("40001");
    });

    it("marks an unreachable server retryable", async () => {
      const unreachable = new URL(url!);
      unreachable.port = "1";
      await using db = createPostgresDatabase({ url: unreachable.toString(), connectionTimeoutMs: 2_000 });
      const error = await db.query("SELECT 1").then(
        () => undefined,
        (e: unknown) => e as BallastError,
      );
      if (!error) throw new Error("expected a failure");
      expect(BallastError.isInstance(error, "DATABASE_ERROR")).toBe(true);
      expect(error.retryable).toBe(true);
    });

    it("refuses an invalid schema name", () => {
      expect(() => createPostgresDatabase({ url: url!, schema: 'x"; DROP' })).toThrow(/schema/);
    });
  });

  describe("a user-provided pool", () => {
    it("is used as given and not ended by close()", async () => {
      const schema = await freshSchema();
      const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
      const db = createPostgresDatabase({ pool });
      await db.migrate({ package: "t", migrations: [{ id: "0001", sql: "CREATE TABLE owned (v text)" }] });
      await db.close();
      const { rows } = await pool.query("SELECT to_regclass('owned') IS NOT NULL AS present");
      expect(rows[0].present).toBe(true);
      await pool.end();
    });
  });

  describe("openMetadataDatabase", () => {
    it.skipIf(!built)("opens postgres:// through the sub-path entry", async () => {
      const { openMetadataDatabase } = await import("../../src/metadata-db/open-metadata-database.js");
      await using db = await openMetadataDatabase(url!, { schema: await freshSchema(), poolSize: 2 });
      expect(db.dialect).toBe("postgres");
      expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    });
  });
});
