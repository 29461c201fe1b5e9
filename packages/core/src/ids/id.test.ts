import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idTimestamp, isId, newId } from "./id.js";

describe("newId", () => {
  it("makes UUIDv7 ids whose timestamp is the creation time", () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(isId(id)).toBe(true);
    expect(idTimestamp(id)).toBeGreaterThanOrEqual(before);
    expect(idTimestamp(id)).toBeLessThanOrEqual(after);
  });

  it("ids made in sequence sort in creation order", () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("rejects what is not a UUIDv7", () => {
    expect(isId("not-an-id")).toBe(false);
    expect(isId("6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(false); // v1
    fc.assert(fc.property(fc.string(), (s) => isId(s) === false || s.length === 36));
    expect(() => idTimestamp("x")).toThrow(TypeError);
  });
});
