import type { LogicalScalarType } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EntityKeyValue, serializeEntityKey } from "./entity-key.js";

const keyTypes: LogicalScalarType[] = ["bool", "int32", "int64", "float32", "float64", "string", "timestamp"];

// An arbitrary value of a key type, in one of the forms callers may pass it.
function arbitraryValue(type: LogicalScalarType): fc.Arbitrary<EntityKeyValue> {
  switch (type) {
    case "bool":
      return fc.boolean();
    case "int32":
      return fc.oneof(fc.integer(), fc.integer().map(BigInt));
    case "int64":
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.maxSafeInteger());
    case "float32":
      return fc.float({ noNaN: true });
    case "float64":
      return fc.double({ noNaN: true });
    case "timestamp":
      return fc.integer({ min: -(2 ** 40), max: 2 ** 42 });
    default:
      return fc.string({ unit: "binary", maxLength: 12 });
  }
}

// The identity of a value, computed without the serializer: two inputs are the same entity when
// these agree (numbers and bigints compare as integers, floats after rounding, -0 equals 0).
function identity(type: LogicalScalarType, value: EntityKeyValue): string {
  if (type === "int32" || type === "int64" || type === "timestamp") return `int:${BigInt(value)}`;
  if (type === "float32") return `float:${Math.fround(value as number) + 0}`;
  if (type === "float64") return `float:${(value as number) + 0}`;
  return `${typeof value}:${String(value)}`;
}

const schema = fc.dictionary(
  fc.string({ unit: "binary", minLength: 1, maxLength: 6 }).filter((name) => name !== "__proto__"),
  fc.constantFrom(...keyTypes),
  { minKeys: 1, maxKeys: 4 },
);
const schemaAndTwoEntities = schema.chain((types) => {
  const entity = fc.record(
    Object.fromEntries(Object.entries(types).map(([name, type]) => [name, arbitraryValue(type)])) as Record<
      string,
      fc.Arbitrary<EntityKeyValue>
    >,
  );
  return fc.tuple(fc.constant(types), entity, entity);
});

describe("serializeEntityKey", () => {
  it("matches hand-written encodings (these strings are stored: changing them orphans online data)", () => {
    expect(serializeEntityKey({ driver_id: 1001n }, { driver_id: "int64" })).toBe("driver_id=i1001");
    expect(serializeEntityKey({ driver_id: 1001 }, { driver_id: "int64" })).toBe("driver_id=i1001");
    expect(serializeEntityKey({ driver_id: "1001" }, { driver_id: "string" })).toBe("driver_id=s1001");
    expect(serializeEntityKey({ b: "x y", a: -3 }, { b: "string", a: "int32" })).toBe("a=i-3;b=sx%20y");
    expect(serializeEntityKey({ k: "é{}:;=%" }, { k: "string" })).toBe("k=s%E9%7B%7D%3A%3B%3D%25");
    expect(serializeEntityKey({ k: "日" }, { k: "string" })).toBe("k=s%u65E5");
    expect(serializeEntityKey({ ok: true, at: 1_700_000_000_000 }, { ok: "bool", at: "timestamp" })).toBe(
      "at=t1700000000000;ok=b1",
    );
    expect(serializeEntityKey({ x: 0.1, y: -0 }, { x: "float32", y: "float64" })).toBe(
      "x=f0.10000000149011612;y=f0",
    );
  });

  it("tells the string '1' from the integer 1 and ignores undeclared keys", () => {
    const asString = serializeEntityKey({ id: "1" }, { id: "string" });
    const asInt = serializeEntityKey({ id: 1n }, { id: "int64" });
    expect(asString).not.toBe(asInt);
    expect(serializeEntityKey({ id: 1n, other: "x" }, { id: "int64" })).toBe(asInt);
  });

  it("rejects a missing, ill-typed, out-of-range, NaN or bytes key with ONLINE_STORE_ENTITY_KEY_INVALID", () => {
    const cases: [Record<string, EntityKeyValue>, Record<string, LogicalScalarType>][] = [
      [{}, { id: "int64" }],
      [{ constructor: 1 } as Record<string, EntityKeyValue>, { id: "int64" }],
      [{}, { constructor: "string" } as Record<string, LogicalScalarType>],
      [{ id: "1" }, { id: "int64" }],
      [{ id: 1.5 }, { id: "int64" }],
      [{ id: 2 ** 31 }, { id: "int32" }],
      [{ id: 2n ** 63n }, { id: "int64" }],
      [{ id: Number.NaN }, { id: "float64" }],
      [{ id: 1 }, { id: "bool" }],
      [{ id: "ab" }, { id: "bytes" }],
    ];
    for (const [keys, types] of cases) {
      expect(() => serializeEntityKey(keys, types)).toThrow(
        expect.objectContaining({ code: "ONLINE_STORE_ENTITY_KEY_INVALID" }),
      );
    }
  });

  it("is injective: distinct entities of one key schema get distinct keys, equal ones equal keys", () => {
    fc.assert(
      fc.property(schemaAndTwoEntities, ([types, a, b]) => {
        const same = Object.entries(types).every(
          ([name, type]) => identity(type, a[name]!) === identity(type, b[name]!),
        );
        expect(serializeEntityKey(a, types) === serializeEntityKey(b, types)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it("does not depend on the key order of either object", () => {
    fc.assert(
      fc.property(schemaAndTwoEntities, ([types, a]) => {
        const reversed = <T>(record: Record<string, T>) =>
          Object.fromEntries(Object.entries(record).reverse());
        expect(serializeEntityKey(reversed(a), reversed(types))).toBe(serializeEntityKey(a, types));
      }),
    );
  });

  it("writes only characters that are safe inside Redis keys and hash tags", () => {
    fc.assert(
      fc.property(schemaAndTwoEntities, ([types, a]) => {
        expect(serializeEntityKey(a, types)).toMatch(/^[A-Za-z0-9_.%=;+-]*$/);
      }),
    );
  });
});
