import { describe, expect, it } from "vitest";
import { openMetadataDatabase } from "./open-metadata-database.js";

describe("openMetadataDatabase", () => {
  it("opens pglite://memory directly", { timeout: 60_000 }, async () => {
    await using db = await openMetadataDatabase("pglite://memory");
    expect(db.dialect).toBe("pglite");
    expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("rejects an unknown scheme before loading anything", async () => {
    await expect(openMetadataDatabase("sqlite://x.db")).rejects.toMatchObject({ code: "URI_SCHEME_UNKNOWN" });
  });
});
