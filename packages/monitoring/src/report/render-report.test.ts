import { describe, expect, it } from "vitest";
import { compare } from "../drift/compare.js";
import { renderReport } from "./render-report.js";

const reference = Array.from({ length: 200 }, (_, i) => ({
  x: i % 50,
  "<b>tag</b>": i % 3 === 0 ? "a&b" : "c",
}));
const current = Array.from({ length: 200 }, (_, i) => ({
  x: (i % 50) + 20,
  "<b>tag</b>": i % 2 === 0 ? "a&b" : "<script>",
}));

describe("renderReport", () => {
  const report = compare(reference, current);
  const html = renderReport(report);

  it("is one self-contained page: no external references, a CSP that forbids loading anything", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|https?:\/\//i);
  });

  it("escapes every value taken from the data", () => {
    expect(html).not.toContain("<b>tag</b>");
    expect(html).toContain("&lt;b&gt;tag&lt;/b&gt;");
    expect(html).toContain("a&amp;b");
    // The only script element is the page's own.
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it("has the summary, one table row and one overlaid chart per column", () => {
    expect(html).toContain("Drift detected");
    expect(html.match(/<tr data-drifted=/g)).toHaveLength(2);
    expect(html.match(/<svg class="dist"/g)).toHaveLength(2);
    expect(html.match(/<rect class="ref"/g)?.length).toBe(html.match(/<rect class="cur"/g)?.length);
  });

  it("renders for notebooks without a script, and limits rows", () => {
    const fragment = report.toHTML();
    expect(fragment).not.toContain("<script");
    const display = (report as unknown as Record<symbol, () => Record<string, string>>)[
      Symbol.for("Jupyter.display")
    ]!();
    expect(display["text/html"]).toBe(fragment);
    expect(display["text/plain"]).toContain("drift detected");
    expect(renderReport(report, { maxColumns: 1 }).match(/<tr data-drifted=/g)).toHaveLength(1);
  });
});
