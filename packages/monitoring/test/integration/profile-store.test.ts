import type { MetadataDatabase } from "@ballast/core";
import { afterAll, describe } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { openPostgresTestSchema } from "../../../../test-support/test-databases.js";
import { profileStoreContract } from "../../src/profile/profile-store-contract.js";

const postgresUrl = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");

// One schema per test process keeps parallel test files apart on the shared server.
let opened: Promise<MetadataDatabase> | undefined;
const database = () => {
  opened ??= openPostgresTestSchema(postgresUrl!, "monitoring_test");
  return opened;
};
afterAll(async () => {
  if (opened) await (await opened).close();
});

describe.skipIf(!postgresUrl)("profile store on PostgreSQL", () => {
  profileStoreContract(database);
});
