import { type MetadataDatabase, newId } from "@ballast/core";
import { Float64, Table, vectorFromArray } from "apache-arrow";
import { expect, it } from "vitest";
import { profile } from "./profile.js";
import { createProfileStore } from "./profile-store.js";

/**
 * The profile store's behaviour, run on every metadata database (PGlite in the unit tests, PostgreSQL in
 * `test/integration/profile-store.test.ts`). Each test uses a fresh workspace id.
 */
export function profileStoreContract(database: () => Promise<MetadataDatabase>): void {
  const workspace = () => `w-${newId().replaceAll("-", "").slice(-16)}`;
  const sample = (values: number[]) =>
    profile(new Table({ v: vectorFromArray(values, new Float64()) }), {
      seed: 1,
      createdAt: 1_700_000_000_000,
    });

  it("saves versions counting up from 1 and loads the latest or a given one", {
    timeout: 30_000,
  }, async () => {
    const store = createProfileStore(await database(), { workspace: workspace() });
    const first = await store.save("reference", sample([1, 2, 3]), { model: "churn" });
    const second = await store.save("reference", sample([4, 5]));
    expect(first).toMatchObject({
      name: "reference",
      version: 1,
      rowCount: 3,
      columnCount: 1,
      tags: { model: "churn" },
    });
    expect(first.profiledAt.getTime()).toBe(1_700_000_000_000);
    expect(second.version).toBe(2);
    const latest = await store.load("reference");
    expect(latest.version).toBe(2);
    expect(latest.profile.columns.get("v")).toMatchObject({ count: 2, min: 4, max: 5 });
    const v1 = await store.load("reference", 1);
    expect(v1.profile.columns.get("v")).toMatchObject({ count: 3, mean: 2 });
    expect(v1.tags).toEqual({ model: "churn" });
  });

  it("lists by name then version, and keeps workspaces apart", { timeout: 30_000 }, async () => {
    const db = await database();
    const mine = createProfileStore(db, { workspace: workspace() });
    const theirs = createProfileStore(db, { workspace: workspace() });
    await mine.save("b", sample([1]));
    await mine.save("a", sample([1]));
    await mine.save("a", sample([2]));
    await theirs.save("a", sample([3]));
    expect((await mine.list()).map((s) => [s.name, s.version])).toEqual([
      ["a", 1],
      ["a", 2],
      ["b", 1],
    ]);
    expect((await mine.list("a")).map((s) => s.version)).toEqual([1, 2]);
    expect(await theirs.list()).toHaveLength(1);
    expect((await theirs.load("a")).profile.columns.get("v")!.min).toBe(3);
  });

  it("gives concurrent saves of one name distinct versions", { timeout: 30_000 }, async () => {
    const store = createProfileStore(await database(), { workspace: workspace() });
    const saved = await Promise.all([1, 2, 3, 4].map((i) => store.save("busy", sample([i]))));
    expect(saved.map((s) => s.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it("throws MONITORING_PROFILE_NOT_FOUND and MONITORING_PROFILE_CORRUPT", { timeout: 30_000 }, async () => {
    const db = await database();
    const ws = workspace();
    const store = createProfileStore(db, { workspace: ws });
    await expect(store.load("missing")).rejects.toMatchObject({ code: "MONITORING_PROFILE_NOT_FOUND" });
    await store.save("damaged", sample([1, 2]));
    await expect(store.load("damaged", 2)).rejects.toMatchObject({ code: "MONITORING_PROFILE_NOT_FOUND" });
    // Flip one byte of the stored payload in place.
    await db.query(
      "UPDATE monitoring_profiles SET profile = set_byte(profile, 40, get_byte(profile, 40) # 1) WHERE workspace_id = $1 AND name = $2",
      [ws, "damaged"],
    );
    await expect(store.load("damaged")).rejects.toMatchObject({ code: "MONITORING_PROFILE_CORRUPT" });
    await expect(store.save("", sample([1]))).rejects.toMatchObject({ code: "MONITORING_INVALID_OPTION" });
  });
}
