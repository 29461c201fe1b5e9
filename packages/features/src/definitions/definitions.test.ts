import { BallastError } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineEntity } from "./entity.js";
import { formatFeatureRef, parseFeatureRef } from "./feature-ref.js";
import { defineFeatureService } from "./feature-service.js";
import { defineFeatureView } from "./feature-view.js";
import { valueMismatch } from "./logical-value.js";
import { parquetSource, pushSource } from "./sources.js";
import { defineTransform, runTransform } from "./transform.js";

const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });
const trips = parquetSource({
  name: "trips",
  path: "sources/trips/",
  timestampField: "event_ts",
  createdTimestampField: "created_ts",
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : "not a BallastError";
  }
  return undefined;
}

describe("defineEntity", () => {
  it("keeps join keys and their types", () => {
    expect(driver).toMatchObject({ kind: "entity", name: "driver", joinKeys: { driver_id: "int64" } });
  });
  it("refuses no join key, float keys and bad names", () => {
    expect(codeOf(() => defineEntity({ name: "driver", joinKeys: {} }))).toBe("FEATURE_DEFINITION_INVALID");
    expect(codeOf(() => defineEntity({ name: "driver", joinKeys: { x: "float64" as "int64" } }))).toBe(
      "FEATURE_DEFINITION_INVALID",
    );
    expect(codeOf(() => defineEntity({ name: "my driver", joinKeys: { id: "string" } }))).toBe(
      "FEATURE_DEFINITION_INVALID",
    );
    expect(codeOf(() => defineEntity({ name: "a__b", joinKeys: { id: "string" } }))).toBe(
      "FEATURE_DEFINITION_INVALID",
    );
  });
});

describe("sources", () => {
  it("refuses absolute and escaping paths", () => {
    expect(codeOf(() => parquetSource({ name: "x", path: "/etc/x.parquet", timestampField: "ts" }))).toBe(
      "FEATURE_DEFINITION_INVALID",
    );
    expect(codeOf(() => parquetSource({ name: "x", path: "a/../b", timestampField: "ts" }))).toBe(
      "FEATURE_DEFINITION_INVALID",
    );
  });
  it("a push source takes an optional Parquet batch source", () => {
    expect(pushSource({ name: "live", batchSource: trips }).batchSource).toBe(trips);
    expect(codeOf(() => pushSource({ name: "live", batchSource: driver as never }))).toBe(
      "FEATURE_DEFINITION_INVALID",
    );
  });
});

describe("defineFeatureView", () => {
  it("parses the three time settings separately, from strings or milliseconds", () => {
    const view = defineFeatureView({
      name: "driver_stats",
      entities: [driver],
      schema: { conv_rate: "float32", trips_today: "int64", tags: { list: "string" } },
      source: trips,
      lookback: "7d",
      maxAge: "15m",
      onlineExpiry: 86_400_000,
    });
    // 7 d = 7 × 86 400 000 ms; 15 min = 900 000 ms.
    expect(view.lookbackMs).toBe(604_800_000);
    expect(view.maxAgeMs).toBe(900_000);
    expect(view.onlineExpiryMs).toBe(86_400_000);
    expect(view.online).toBe(true);
    expect(view.version).toBe(1);
    expect(view.features).toEqual([
      { name: "conv_rate", type: "float32" },
      { name: "trips_today", type: "int64" },
      { name: "tags", type: { list: "string", elementNullable: true } },
    ]);
    expect(view.ref("conv_rate")).toBe("driver_stats:conv_rate");
  });

  it("reports every bad setting with its path", () => {
    try {
      defineFeatureView({
        name: "v",
        entities: [driver],
        schema: { driver_id: "int64" },
        source: trips,
        lookback: "1 month",
        maxAge: 0,
      });
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "FEATURE_DEFINITION_INVALID")).toBe(true);
      const paths = (error as { issues: { path: string }[] }).issues.map((i) => i.path);
      expect(paths).toEqual(["lookback", "maxAge", "schema.driver_id"]);
    }
  });

  it("refuses unknown types and empty schemas", () => {
    expect(
      codeOf(() =>
        defineFeatureView({
          name: "v",
          entities: [driver],
          schema: { x: "float16" as "float32" },
          source: trips,
        }),
      ),
    ).toBe("FEATURE_DEFINITION_INVALID");
    expect(
      codeOf(() => defineFeatureView({ name: "v", entities: [driver], schema: {}, source: trips })),
    ).toBe("FEATURE_DEFINITION_INVALID");
    expect(
      codeOf(() => defineFeatureView({ name: "v", entities: [], schema: { x: "bool" }, source: trips })),
    ).toBe("FEATURE_DEFINITION_INVALID");
  });
});

describe("feature references", () => {
  it("parses plain and versioned references", () => {
    expect(parseFeatureRef("driver_stats:conv_rate")).toEqual({
      view: "driver_stats",
      version: undefined,
      feature: "conv_rate",
    });
    expect(parseFeatureRef("driver_stats@3:conv_rate")).toEqual({
      view: "driver_stats",
      version: 3,
      feature: "conv_rate",
    });
  });
  it("refuses malformed references", () => {
    for (const bad of ["conv_rate", "a:b:c", ":x", "a@0:b", "a@:b", "a:", " a:b"]) {
      expect(codeOf(() => parseFeatureRef(bad))).toBe("FEATURE_REF_INVALID");
    }
  });
  it("round-trips through formatFeatureRef", () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(
        name,
        fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }),
        name,
        (view, version, feature) => {
          const ref = { view, version, feature };
          expect(parseFeatureRef(formatFeatureRef(ref))).toEqual(ref);
        },
      ),
    );
  });
});

describe("defineTransform and runTransform", () => {
  const adjusted = defineTransform({
    name: "adjusted",
    inputs: ["driver_stats:conv_rate"],
    request: { boost: "float64" },
    outputs: { adjusted_rate: "float64", label: "string" },
    transform: ({ conv_rate, boost }) => ({
      adjusted_rate: conv_rate === null || boost === null ? null : Number(conv_rate) * boost,
      label: boost === null ? null : `x${boost}`,
    }),
  });

  it("runs the function and checks output types", () => {
    expect(runTransform(adjusted, { conv_rate: 0.5, boost: 2 }, 0)).toEqual([1, "x2"]);
    expect(runTransform(adjusted, { conv_rate: null, boost: null }, 0)).toEqual([null, null]);
  });

  it("fails with the row and output on an ill-typed or missing output", () => {
    const bad = defineTransform({
      name: "bad",
      inputs: ["v:x"],
      outputs: { y: "int64" },
      transform: () => ({ y: 1 as unknown as bigint }),
    });
    expect(() => runTransform(bad, { x: 1 }, 7)).toThrow(/row 7.*expected an int64/s);
    const missing = defineTransform({
      name: "m",
      inputs: ["v:x"],
      outputs: { y: "bool" },
      transform: () => ({}) as { y: boolean },
    });
    expect(codeOf(() => runTransform(missing, { x: 1 }, 0))).toBe("FEATURE_TRANSFORM_FAILED");
  });

  it("refuses inputs with the same feature name", () => {
    expect(
      codeOf(() =>
        defineTransform({
          name: "t",
          inputs: ["a:x", "b:x"],
          outputs: { y: "bool" },
          transform: () => ({ y: true }),
        }),
      ),
    ).toBe("FEATURE_DEFINITION_INVALID");
  });
});

describe("defineFeatureService", () => {
  it("expands views and transforms into references, without duplicates", () => {
    const view = defineFeatureView({
      name: "driver_stats",
      entities: [driver],
      schema: { a: "bool", b: "int32" },
      source: trips,
    });
    const service = defineFeatureService({
      name: "model",
      version: 2,
      features: [view, "driver_stats:a", "other@2:c"],
    });
    expect(service.features).toEqual(["driver_stats:a", "driver_stats:b", "other@2:c"]);
    expect(service.version).toBe(2);
  });
});

describe("valueMismatch", () => {
  it("accepts exactly the JS type of each logical type", () => {
    expect(valueMismatch("int64", 3n)).toBeUndefined();
    expect(valueMismatch("int64", 3)).toMatch(/bigint/);
    expect(valueMismatch("int32", 2 ** 31)).toMatch(/int32/);
    expect(valueMismatch("timestamp", new Date(0))).toBeUndefined();
    expect(valueMismatch("float64", "1.5")).toMatch(/got string "1.5"/);
    expect(valueMismatch({ list: "int32", elementNullable: false }, [1, null])).toMatch(/element 1/);
    expect(valueMismatch({ list: "int32", elementNullable: true }, [1, null])).toBeUndefined();
  });
});
