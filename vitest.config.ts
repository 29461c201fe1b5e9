import { defineConfig } from "vitest/config";
import { readServiceEnv } from "./test-support/service-env-file.js";

export default defineConfig({
  test: {
    env: readServiceEnv(),
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/*/src/**/*.test.ts", "examples/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["packages/*/test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
