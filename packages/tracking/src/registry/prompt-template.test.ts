import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { promptContent, renderTemplate, templateVariables } from "./prompt-template.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : "NOT_A_BALLAST_ERROR";
  }
}

describe("templateVariables", () => {
  it("extracts placeholders in order of first appearance, once each, spaces allowed", () => {
    expect(templateVariables("Hello {{customer}}, re {{ topic }}. Bye {{customer}} {{_x1}}")).toEqual([
      "customer",
      "topic",
      "_x1",
    ]);
    expect(templateVariables("No placeholders")).toEqual([]);
  });

  it.each(["", "Hi {{ customer name }}", "Hi {{customer", "Hi customer}}", "{{1st}}", "{{}}", "{{a-b}}"])(
    "rejects %j with PROMPT_INVALID",
    (template) => {
      expect(codeOf(() => templateVariables(template))).toBe("PROMPT_INVALID");
    },
  );
});

describe("promptContent", () => {
  it("accepts declared variables in any order", () => {
    expect(promptContent("{{a}} {{b}}", ["b", "a"])).toEqual({
      template: "{{a}} {{b}}",
      variables: ["a", "b"],
    });
  });

  it("rejects declared variables that differ from the placeholders", () => {
    expect(codeOf(() => promptContent("{{a}} {{b}}", ["a"]))).toBe("PROMPT_INVALID");
    expect(codeOf(() => promptContent("{{a}}", ["a", "b"]))).toBe("PROMPT_INVALID");
  });
});

describe("renderTemplate", () => {
  const content = promptContent("Hello {{customer}}, your order {{ order }} ships {{when}}.");

  it("fills every placeholder, writing numbers and booleans with String()", () => {
    expect(renderTemplate(content, { customer: "Ada $&", order: 42, when: true })).toBe(
      "Hello Ada $&, your order 42 ships true.",
    );
  });

  it("rejects missing, unknown and non-scalar values, listing them", () => {
    try {
      renderTemplate(content, { customer: "Ada", order: 1, extra: "x" } as never);
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "PROMPT_VARIABLES_INVALID")).toBe(true);
      expect((error as BallastError).details).toMatchObject({ missing: ["when"], unknown: ["extra"] });
    }
    expect(codeOf(() => renderTemplate(content, { customer: {}, order: 1, when: "now" } as never))).toBe(
      "PROMPT_VARIABLES_INVALID",
    );
  });
});
