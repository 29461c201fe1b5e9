import { BallastError } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatModelUri, type ModelUri, parseModelRef, parseModelUri } from "./model-uri.js";

const nameChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789._-");
const name = fc
  .tuple(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), fc.array(nameChar, { maxLength: 127 }))
  .map(([first, rest]) => first + rest.join(""));
const alias = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
    fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789_-"), { maxLength: 62 }),
  )
  .map(([first, rest]) => first + rest.join(""));
const uri: fc.Arbitrary<ModelUri> = fc.record({
  kind: fc.constantFrom("model" as const, "prompt" as const),
  name,
  selector: fc.oneof(
    fc.integer({ min: 1, max: 2_147_483_647 }).map((version) => ({ type: "version" as const, version })),
    alias.map((value) => ({ type: "alias" as const, alias: value })),
  ),
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : "NOT_A_BALLAST_ERROR";
  }
}

describe("parseModelUri", () => {
  it("parses the documented forms", () => {
    expect(parseModelUri("models:/churn@production")).toEqual({
      kind: "model",
      name: "churn",
      selector: { type: "alias", alias: "production" },
    });
    expect(parseModelUri("models:/churn/3")).toEqual({
      kind: "model",
      name: "churn",
      selector: { type: "version", version: 3 },
    });
    expect(parseModelUri("prompts:/support-reply@latest")).toEqual({
      kind: "prompt",
      name: "support-reply",
      selector: { type: "alias", alias: "latest" },
    });
  });

  it.each([
    "churn@production",
    "models:churn/3",
    "models://churn/3",
    "model:/churn/3",
    "models:/churn",
    "models:/churn/0",
    "models:/churn/03",
    "models:/churn/-1",
    "models:/churn/2147483648",
    "models:/churn/3/4",
    "models:/churn@Production",
    "models:/churn@1st",
    "models:/churn@",
    "models:/@prod",
    "models:/Churn/1",
    "models:/churn@prod/1",
    "models:/churn/1@prod",
    " models:/churn/1",
    "",
  ])("rejects %j with MODEL_URI_INVALID", (input) => {
    expect(codeOf(() => parseModelUri(input))).toBe("MODEL_URI_INVALID");
  });

  it("round-trips every valid URI through format and parse", () => {
    fc.assert(
      fc.property(uri, (value) => {
        expect(parseModelUri(formatModelUri(value))).toEqual(value);
      }),
    );
  });

  it("formats canonically: parse then format gives back the same string", () => {
    fc.assert(
      fc.property(uri, (value) => {
        const text = formatModelUri(value);
        expect(formatModelUri(parseModelUri(text))).toBe(text);
      }),
    );
  });

  it("fails on arbitrary strings only with MODEL_URI_INVALID", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          uri.map(formatModelUri).map((text) => `${text}x/`),
        ),
        (text) => {
          const code = codeOf(() => parseModelUri(text));
          expect(code === undefined || code === "MODEL_URI_INVALID").toBe(true);
        },
      ),
    );
  });

  it("rejects any single-character corruption of the separator", () => {
    fc.assert(
      fc.property(uri, fc.constantFrom("#", " ", "?", "\n"), (value, junk) => {
        const text = formatModelUri(value).replace(":/", `:${junk}/`);
        expect(codeOf(() => parseModelUri(text))).toBe("MODEL_URI_INVALID");
      }),
    );
  });
});

describe("parseModelRef", () => {
  it("reads bare names as models unless told otherwise, and explicit references", () => {
    expect(parseModelRef("churn")).toEqual({ kind: "model", name: "churn" });
    expect(parseModelRef("support-reply", "prompt")).toEqual({ kind: "prompt", name: "support-reply" });
    expect(parseModelRef("prompts:/support-reply")).toEqual({ kind: "prompt", name: "support-reply" });
    expect(parseModelRef("models:/churn")).toEqual({ kind: "model", name: "churn" });
  });

  it("rejects references with a version or alias, and bad names", () => {
    expect(codeOf(() => parseModelRef("models:/churn/3"))).toBe("MODEL_URI_INVALID");
    expect(codeOf(() => parseModelRef("models:/churn@production"))).toBe("MODEL_URI_INVALID");
    expect(codeOf(() => parseModelRef("Churn Model"))).toBe("MODEL_NAME_INVALID");
    expect(codeOf(() => parseModelRef(""))).toBe("MODEL_NAME_INVALID");
  });

  it("accepts exactly the names the URI grammar accepts", () => {
    fc.assert(
      fc.property(name, (value) => {
        expect(parseModelRef(value).name).toBe(value);
        expect(parseModelUri(`models:/${value}@latest`).name).toBe(value);
      }),
    );
  });
});
