import { Float64, Table, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { nullShareCheck, predicateCheck, rangeCheck } from "./checks.js";
import { defineQualitySuite, runQualitySuite } from "./quality-suite.js";

const table = new Table({ v: vectorFromArray([1, 2, null, Number.POSITIVE_INFINITY], new Float64()) });

describe("quality suites and reports", () => {
  it("takes the worst status, counts each, and lets warnings pass", () => {
    const suite = defineQualitySuite({
      name: "orders <v1>",
      checks: [
        nullShareCheck({ column: "v", max: 0.5 }),
        rangeCheck({ column: "v", max: 10, severity: "warn" }),
      ],
    });
    const report = runQualitySuite(suite, table);
    expect(report.results.map((r) => r.status)).toEqual(["pass", "warn"]);
    expect(report.status).toBe("warn");
    expect(report.passed).toBe(true);
    expect(report.counts).toEqual({ pass: 1, warn: 1, fail: 0, error: 0 });
    const failing = runQualitySuite(
      defineQualitySuite({ name: "f", checks: [rangeCheck({ column: "v", max: 10 })] }),
      table,
    );
    expect(failing.status).toBe("fail");
    expect(failing.passed).toBe(false);
  });

  it("reports a throwing check as an error and keeps going", () => {
    const suite = defineQualitySuite({
      name: "s",
      checks: [
        predicateCheck({
          name: "throws",
          test: () => {
            throw new Error("boom");
          },
        }),
        nullShareCheck({ column: "v", max: 1 }),
      ],
    });
    const report = runQualitySuite(suite, table);
    expect(report.results[0]).toMatchObject({ status: "error", message: "The check threw: boom" });
    expect(report.results[1]!.status).toBe("pass");
    expect(report.passed).toBe(false);
  });

  it("renders escaped HTML for notebooks", () => {
    const suite = defineQualitySuite({
      name: "orders <v1>",
      checks: [predicateCheck({ name: "<script>alert(1)</script>", test: () => false })],
    });
    const report = runQualitySuite(suite, table);
    const html = report.toHTML();
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("orders &lt;v1&gt;");
    const display = report[Symbol.for("Jupyter.display") as unknown as "toJSON"] as unknown as () => Record<
      string,
      string
    >;
    expect(display.call(report)["text/html"]).toBe(html);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ suite: "orders <v1>", status: "fail" });
  });

  it("rejects duplicate check names", () => {
    expect(() =>
      defineQualitySuite({
        name: "d",
        checks: [nullShareCheck({ column: "v", max: 0 }), nullShareCheck({ column: "v", max: 1 })],
      }),
    ).toThrow(expect.objectContaining({ code: "MONITORING_QUALITY_SUITE_INVALID" }));
  });
});
