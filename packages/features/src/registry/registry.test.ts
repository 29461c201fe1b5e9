import { BallastError, createPGliteDatabase, type MetadataDatabase, manualClock } from "@ballast/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEntity } from "../definitions/entity.js";
import { defineFeatureService } from "../definitions/feature-service.js";
import { defineFeatureView } from "../definitions/feature-view.js";
import { parquetSource } from "../definitions/sources.js";
import { defineTransform } from "../definitions/transform.js";
import { FeatureRegistry, migrateFeatures } from "./feature-registry.js";

let db: MetadataDatabase;
let counter = 0;
const clock = manualClock(Date.UTC(2026, 0, 1));

beforeAll(async () => {
  db = await createPGliteDatabase({});
  await migrateFeatures(db);
});
afterAll(async () => {
  await db.close();
});

function registry() {
  counter += 1;
  return new FeatureRegistry(db, `ws-${counter}`, clock);
}

const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });
const rider = defineEntity({ name: "rider", joinKeys: { rider_id: "string" } });
const trips = parquetSource({ name: "trips", path: "trips/", timestampField: "ts" });
const stats = (overrides: Partial<Parameters<typeof defineFeatureView>[0]> = {}) =>
  defineFeatureView({
    name: "driver_stats",
    entities: [driver],
    schema: { conv_rate: "float32", trips: "int64" },
    source: trips,
    ...overrides,
  });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : String(error);
  }
  return undefined;
}

describe("FeatureRegistry", () => {
  it("plans creates for a fresh registry, including the view's entity and source", async () => {
    const plan = await registry().plan([stats()]);
    expect(plan.registryVersion).toBe(0);
    expect(plan.toString()).toBe(
      ["+ entity driver v1", "+ parquet-source trips v1", "+ feature-view driver_stats v1"].join("\n"),
    );
  });

  it("applies, then plans nothing, then an update, then a delete", async () => {
    const r = registry();
    const first = await r.apply([stats()]);
    expect(first.registryVersion).toBe(1);
    expect(first.snapshot.view("driver_stats")?.joinKeys).toEqual({ driver_id: "int64" });
    expect((await r.plan([stats()])).hasChanges).toBe(false);

    const changed = await r.plan([
      stats({ description: "hourly", schema: { conv_rate: "float32", trips: "int64", acc: "float64" } }),
    ]);
    expect(changed.filter("update")).toEqual([
      {
        action: "update",
        kind: "feature-view",
        name: "driver_stats",
        version: 1,
        fields: ["description", "features"],
      },
    ]);
    await r.apply(changed);

    const deletion = await r.plan([driver]);
    expect(deletion.filter("delete").map((c) => `${c.kind}/${c.name}`)).toEqual([
      "parquet-source/trips",
      "feature-view/driver_stats",
    ]);
    const after = await r.apply(deletion);
    expect(after.snapshot.view("driver_stats")).toBeUndefined();
    // A deleted version stays readable by its explicit version.
    expect(after.snapshot.view("driver_stats", 1)?.features.map((f) => f.name)).toEqual([
      "conv_rate",
      "trips",
      "acc",
    ]);
    expect(after.registryVersion).toBe(3);
  });

  it("refuses a type change or new entities unless the version changes, and keeps old versions", async () => {
    const r = registry();
    await r.apply([stats()]);
    expect(await codeOf(r.plan([stats({ schema: { conv_rate: "float64", trips: "int64" } })]))).toBe(
      "FEATURE_VIEW_CHANGE_REFUSED",
    );
    expect(await codeOf(r.plan([stats({ entities: [driver, rider] })]))).toBe("FEATURE_VIEW_CHANGE_REFUSED");
    expect(await codeOf(r.plan([stats({ schema: { conv_rate: "float32" } })]))).toBe(
      "FEATURE_VIEW_CHANGE_REFUSED",
    );

    const v2 = await r.apply([stats({ version: 2, schema: { conv_rate: "float64", trips: "int64" } })]);
    expect(v2.plan.filter("create").map((c) => `${c.name}@${c.version}`)).toEqual(["driver_stats@2"]);
    expect(v2.snapshot.view("driver_stats")?.version).toBe(2);
    expect(v2.snapshot.view("driver_stats", 1)?.features[0]?.type).toBe("float32");
    expect(v2.snapshot.view("driver_stats", 2)?.features[0]?.type).toBe("float64");
    expect(await codeOf(r.plan([stats({ version: 1 })]))).toBe("FEATURE_VIEW_CHANGE_REFUSED");
  });

  it("rejects the second of two applies planned at the same version", async () => {
    const r1 = registry();
    const r2 = new FeatureRegistry(db, `ws-${counter}`, clock);
    const [planA, planB] = await Promise.all([r1.plan([stats()]), r2.plan([stats({ description: "b" })])]);
    const results = await Promise.allSettled([r1.apply(planA), r2.apply(planB)]);
    const failures = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(failures).toHaveLength(1);
    const error = (failures[0] as PromiseRejectedResult).reason;
    expect(BallastError.isInstance(error, "FEATURE_REGISTRY_CONFLICT")).toBe(true);
    expect(error.retryable).toBe(true);
    // Nothing of the loser was written: the registry holds exactly one of the two descriptions.
    const snapshot = await r1.load();
    expect(snapshot.version).toBe(1);
  });

  it("checks transform inputs and service features, naming the closest match", async () => {
    const r = registry();
    const t = defineTransform({
      name: "t",
      inputs: ["driver_stats:conv_rte"],
      outputs: { y: "float64" },
      transform: () => ({ y: 1 }),
    });
    try {
      await r.plan([stats(), t]);
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "FEATURE_NOT_FOUND")).toBe(true);
      expect((error as { closestMatch?: string }).closestMatch).toBe("driver_stats:conv_rate");
      expect((error as Error).message).toMatch(/Did you mean "driver_stats:conv_rate"\?/);
    }
    const ok = defineTransform({
      name: "t",
      inputs: ["driver_stats:conv_rate"],
      outputs: { y: "float64" },
      transform: () => ({ y: 1 }),
    });
    const service = defineFeatureService({ name: "model", features: ["driver_stats:trips", "t:y"] });
    const applied = await r.apply([stats(), ok, service]);
    expect(applied.snapshot.service("model")?.features).toEqual(["driver_stats:trips", "t:y"]);
    expect(
      await codeOf(r.plan([stats(), ok, defineFeatureService({ name: "model", features: ["t:y"] })])),
    ).toBe("FEATURE_VIEW_CHANGE_REFUSED");
  });

  it("refuses two different definitions of one name", async () => {
    const other = parquetSource({ name: "trips", path: "elsewhere/", timestampField: "ts" });
    expect(await codeOf(registry().plan([stats(), other]))).toBe("FEATURE_DEFINITION_INVALID");
  });
});
