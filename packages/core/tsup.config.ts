import { defineConfig } from "tsup";

// One entry per public sub-path; optional peers stay external so the root entry never loads them.
export default defineConfig({
  entry: ["src/index.ts", "src/postgres.ts", "src/s3.ts", "src/gcs.ts", "src/kafka.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
});
