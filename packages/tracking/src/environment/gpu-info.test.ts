import { describe, expect, it } from "vitest";
import { parseNvidiaSmiCsv } from "./gpu-info.js";

describe("parseNvidiaSmiCsv", () => {
  it("splits lines and trims cells, skipping blank lines", () => {
    expect(
      parseNvidiaSmiCsv("NVIDIA A100-SXM4-40GB, 40960, 535.104.05\n\n Tesla T4 , 15360, 535.104.05\n"),
    ).toEqual([
      ["NVIDIA A100-SXM4-40GB", "40960", "535.104.05"],
      ["Tesla T4", "15360", "535.104.05"],
    ]);
  });
});
