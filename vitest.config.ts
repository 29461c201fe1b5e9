import { existsSync, readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * `npm run services:up` writes the service URLs to `.services/test.env`; loading it here lets the
 * plain `npm test` find the services without exporting anything by hand. Variables already set win.
 */
function serviceEnv(): Record<string, string> {
  const file = ".services/test.env";
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]!] === undefined) env[match[1]!] = match[2]!;
  }
  return env;
}

export default defineConfig({
  test: {
    env: serviceEnv(),
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
