import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { runMetadataDatabaseContract } from "../contract.js";
import { createPGliteDatabase } from "./pglite-database.js";

// initdb takes seconds; every test starts from a dump of one freshly initialised, empty cluster
// instead (nothing runs in the template but initdb, so each copy is as empty as a new database).
const template = await PGlite.create();
const templateDump = await template.dumpDataDir("none");
await template.close();

runMetadataDatabaseContract({
  name: "PGlite (in memory)",
  dialect: "pglite",
  open: () => createPGliteDatabase({ pglite: { loadDataDir: templateDump } }),
});
describe("createPGliteDatabase in memory", () => {
  it("starts an empty database with no options", { timeout: 60_000 }, async () => {
    await using db = await createPGliteDatabase();
    expect((await db.query("SELECT to_regclass('ballast_migrations') AS t")).rows).toEqual([{ t: null }]);
  });
});
