import { createPGliteDatabase, type MetadataDatabase } from "@ballast/core";
import { afterAll, beforeAll, describe } from "vitest";
import { profileStoreContract } from "./profile-store-contract.js";

let db: Promise<MetadataDatabase> | undefined;
const database = () => {
  db ??= createPGliteDatabase({});
  return db;
};
// Starting PGlite takes seconds on a busy machine: do it outside the tests' time limit.
beforeAll(async () => {
  await database();
}, 60_000);
afterAll(async () => {
  if (db) await (await db).close();
});

describe("profile store on PGlite", () => {
  profileStoreContract(database);
});
