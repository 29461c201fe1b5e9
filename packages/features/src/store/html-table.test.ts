import { describe, expect, it } from "vitest";
import { escapeHtml, htmlTable } from "./html-table.js";

describe("htmlTable", () => {
  it("escapes every cell, header and caption", () => {
    const html = htmlTable(["<b>", "x"], [["<script>alert('x')</script>", "a & b"]], { caption: '"quoted"' });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("<th>&lt;b&gt;</th>");
    expect(html).toContain("a &amp; b");
    expect(html).toContain("<caption>&quot;quoted&quot;</caption>");
  });

  it("limits the rows and says how many were left out", () => {
    const rows = Array.from({ length: 60 }, (_, i) => [i]);
    const html = htmlTable(["i"], rows, { maxRows: 50 });
    expect(html.match(/<tr>/g)).toHaveLength(51); // header + 50 rows
    expect(html).toContain("10 more rows not shown");
  });

  it("renders bigints, bytes, lists and nulls", () => {
    const html = htmlTable(["v"], [[12n], [new Uint8Array(3)], [[1, null]], [null]]);
    expect(html).toContain("<td>12</td>");
    expect(html).toContain("<td>bytes(3)</td>");
    expect(html).toContain("<td>[1, null]</td>");
    expect(html).toContain("<td>null</td>");
  });

  it("escapeHtml leaves plain text alone", () => {
    expect(escapeHtml("driver_stats:conv_rate")).toBe("driver_stats:conv_rate");
  });
});
