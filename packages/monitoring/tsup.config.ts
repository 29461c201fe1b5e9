import { defineConfig } from "tsup";

export default defineConfig({
  // The drift worker is its own entry: `compare` starts it as dist/drift-worker.js.
  entry: { index: "src/index.ts", "drift-worker": "src/drift/drift-worker.ts" },
  format: ["esm", "cjs"],
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
  target: "node20",
  // import.meta.url in the CommonJS build, where the worker's URL is resolved.
  shims: true,
});
