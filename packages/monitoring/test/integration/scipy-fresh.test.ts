import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { compareGolden, type GoldenDocument } from "../fixtures/scipy-golden-runner.js";

// Reruns the golden script with a fresh random seed and compares our statistics with SciPy's answers.
const python = serviceUrl("BALLAST_TEST_SCIPY_PYTHON", "SciPy");
const root = join(import.meta.dirname, "../../../..");

describe.skipIf(!python)("statistics agree with SciPy on a fresh seed", () => {
  const dir = mkdtempSync(join(tmpdir(), "ballast-scipy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("matches every case of a new random seed", () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const out = join(dir, `golden-${seed}.json`);
    execFileSync(
      python!,
      [join(root, "scripts/golden/monitoring_stats.py"), "--seed", String(seed), "--out", out],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    const doc = JSON.parse(readFileSync(out, "utf8")) as GoldenDocument;
    expect(doc.cases.length).toBeGreaterThan(100);
    // The seed is in the message, so a failure can be reproduced with the script.
    expect(compareGolden(doc), `seed ${seed}`).toEqual([]);
  });
});
