import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toModelSignature } from "./signature.js";

describe("toModelSignature", () => {
  it("stores zod schemas as JSON Schema and JSON Schema objects as given", () => {
    const signature = toModelSignature({
      inputs: z.object({ tenure: z.number(), plan: z.enum(["basic", "pro"]) }),
      outputs: { type: "object", properties: { churn: { type: "boolean" } } },
    });
    expect(signature.inputs).toMatchObject({
      type: "object",
      properties: { tenure: { type: "number" }, plan: { enum: ["basic", "pro"] } },
      required: ["tenure", "plan"],
    });
    expect(signature.outputs).toEqual({ type: "object", properties: { churn: { type: "boolean" } } });
  });

  it.each([
    [{ inputs: z.object({ at: z.date() }), outputs: {} }],
    [{ inputs: "string", outputs: {} }],
    [{ inputs: [], outputs: {} }],
    [null],
  ])("rejects %s with SIGNATURE_INVALID", (signature) => {
    try {
      toModelSignature(signature as never);
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "SIGNATURE_INVALID")).toBe(true);
    }
  });
});
