import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BallastError } from "../../errors/ballast-error.js";
import { runMetadataDatabaseContract } from "../contract.js";
import { createPGliteDatabase } from "./pglite-database.js";

const root = await mkdtemp(join(tmpdir(), "ballast-pglite-"));
let counter = 0;
const freshDir = () => join(root, `db-${++counter}`, "nested");
afterAll(() => rm(root, { recursive: true, force: true }));

// initdb takes seconds; every test starts from a copy of one freshly initialised, empty data directory
// instead (nothing runs in the template but initdb, so each copy is as empty as a new database).
const templateDir = join(root, "template");
await (await createPGliteDatabase({ dataDir: templateDir })).close();

runMetadataDatabaseContract({
  name: "PGlite (directory)",
  dialect: "pglite",
  open: async () => {
    const dataDir = freshDir();
    await mkdir(join(dataDir, ".."), { recursive: true });
    await cp(templateDir, dataDir, { recursive: true });
    return createPGliteDatabase({ dataDir });
  },
});

describe("createPGliteDatabase on a directory", { timeout: 60_000 }, () => {
  it("persists data across close and reopen", async () => {
    const dataDir = freshDir();
    const first = await createPGliteDatabase({ dataDir });
    await first.migrate({ package: "t", migrations: [{ id: "0001", sql: "CREATE TABLE kept (v text)" }] });
    await first.query("INSERT INTO kept VALUES ($1)", ["still here"]);
    await first.close();
    await using second = await createPGliteDatabase({ dataDir });
    expect((await second.query("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
    expect(
      (
        await second.migrate({
          package: "t",
          migrations: [{ id: "0001", sql: "CREATE TABLE kept (v text)" }],
        })
      ).applied,
    ).toEqual([]);
  });

  it("refuses a second open of the same directory while the first is open", async () => {
    const dataDir = freshDir();
    const first = await createPGliteDatabase({ dataDir });
    const error = await createPGliteDatabase({ dataDir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(BallastError.isInstance(error, "DATABASE_LOCKED")).toBe(true);
    expect((error as BallastError).message).toContain(dataDir);
    expect((error as BallastError).details?.lockFile).toBe(`${dataDir}.lock`);
    await first.close();
    // Closing released the lock.
    const again = await createPGliteDatabase({ dataDir });
    await again.close();
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const dataDir = freshDir();
    const seed = await createPGliteDatabase({ dataDir });
    await seed.close();
    // A pid far above any pid_max belongs to no process.
    await writeFile(
      `${dataDir}.lock`,
      JSON.stringify({ pid: 2 ** 30, hostname: hostname(), acquiredAt: "x" }),
    );
    const db = await createPGliteDatabase({ dataDir });
    expect(JSON.parse(await readFile(`${dataDir}.lock`, "utf8")).pid).toBe(process.pid);
    await db.close();
  });

  it("treats a lock held by a live process as held", async () => {
    const dataDir = freshDir();
    const seed = await createPGliteDatabase({ dataDir });
    await seed.close();
    // The parent of this test process is alive for as long as the test runs.
    await writeFile(
      `${dataDir}.lock`,
      JSON.stringify({ pid: process.ppid, hostname: hostname(), acquiredAt: "x" }),
    );
    const error = await createPGliteDatabase({ dataDir }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "DATABASE_LOCKED")).toBe(true);
    expect((error as BallastError).message).toContain(`process ${process.ppid}`);
  });
});
