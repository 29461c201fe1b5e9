import { type MetadataDatabase, newId, openMetadataDatabase, quoteIdentifier } from "@ballast/core";
import { afterAll, describe } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { profileStoreContract } from "../../src/profile/profile-store-contract.js";

const postgresUrl = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");

// One schema per test process keeps parallel test files apart on the shared server.
let db: Promise<MetadataDatabase> | undefined;
const database = () => {
  db ??= (async () => {
    const schema = `monitoring_test_${newId().replaceAll("-", "").slice(-12)}`;
    const admin = await openMetadataDatabase(postgresUrl!);
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    } finally {
      await admin.close();
    }
    return openMetadataDatabase(postgresUrl!, { schema });
  })();
  return db;
};
afterAll(async () => {
  if (db) await (await db).close();
});

describe.skipIf(!postgresUrl)("profile store on PostgreSQL", () => {
  profileStoreContract(database);
});
