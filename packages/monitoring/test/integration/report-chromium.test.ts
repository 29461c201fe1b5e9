import { mkdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { compare } from "../../src/drift/compare.js";
import { profile } from "../../src/profile/profile.js";
import { renderReport } from "../../src/report/render-report.js";

const chromiumPath = serviceUrl("BALLAST_TEST_CHROMIUM", "Chromium");

function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

describe.skipIf(!chromiumPath)("drift report in headless Chromium", () => {
  it("renders with no console errors and no requests, and the filter works", async () => {
    const next = random(5);
    const rows = (shift: number, n: number) =>
      Array.from({ length: n }, () => ({
        age: 30 + 10 * (next() + next() + next() - 1.5) + shift * 8,
        income: Math.exp(10 + next() + shift),
        plan: next() < 0.6 - shift * 0.3 ? "basic" : next() < 0.5 ? "pro" : "team",
        tenure: Math.floor(next() * 60),
      }));
    const report = compare(profile(rows(0, 3000), { seed: 1 }), rows(1, 1500), { title: "Churn features" });
    const html = renderReport(report);

    const browser = await chromium.launch({ executablePath: chromiumPath!, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.route("**/*", async (route) => {
        requests.push(route.request().url());
        await route.abort();
      });
      await page.setContent(html, { waitUntil: "load" });

      expect(await page.title()).toBe("Churn features");
      expect(await page.locator("tr[data-drifted]").count()).toBe(4);
      expect(await page.locator("svg.dist").count()).toBe(4);
      const drifted = report.columns.filter((c) => c.drifted).length;
      await page.locator("#only-drifted").check();
      expect(await page.locator("tr[data-drifted]:visible").count()).toBe(drifted);
      await page.locator("#only-drifted").uncheck();

      const dir =
        process.env.CI === "true"
          ? await mkdtemp(join(tmpdir(), "ballast-report-"))
          : join(import.meta.dirname, "..", "output");
      mkdirSync(dir, { recursive: true });
      await writeFile(join(dir, "drift-report.html"), html);
      await page.screenshot({ path: join(dir, "drift-report.png"), fullPage: true });

      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
