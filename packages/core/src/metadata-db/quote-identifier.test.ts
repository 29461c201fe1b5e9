import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quoteIdentifier } from "./quote-identifier.js";

/** Reads a quoted identifier back the way PostgreSQL's lexer does. */
function unquote(quoted: string): string {
  expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
  const body = quoted.slice(1, -1);
  // Every quote inside must be doubled, so no quote can close the identifier early.
  expect(body.replaceAll('""', "")).not.toContain('"');
  return body.replaceAll('""', '"');
}

describe("quoteIdentifier", () => {
  it("round-trips any name and never lets a quote escape", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes("\0")),
        (name) => {
          expect(unquote(quoteIdentifier(name))).toBe(name);
        },
      ),
    );
  });

  it("quotes qualified names part by part and rejects empty names", () => {
    expect(quoteIdentifier(["ballast", 'odd"name'])).toBe('"ballast"."odd""name"');
    expect(() => quoteIdentifier("")).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => quoteIdentifier("a\0b")).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});
