import { defineConfig } from "tsup";

// One entry per public sub-path. Optional peers are external (tsup externalizes peer
// dependencies), and so is the package's own name: the root entry reaches a backend only through
// `import("@ballast/core/<backend>")`, which must stay a runtime import of the sub-path.
// The Parquet decode worker is an entry too, not a sub-path: the pool starts it from the file
// beside its own chunk (`dist/parquet-decode-worker.js` / `.cjs`).
export default defineConfig({
  entry: {
    index: "src/index.ts",
    postgres: "src/postgres.ts",
    s3: "src/s3.ts",
    gcs: "src/gcs.ts",
    kafka: "src/kafka.ts",
    "parquet-decode-worker": "src/parquet/parquet-decode-worker.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  // The CommonJS build gets `import.meta.url` from `__filename` (the decode pool locates its worker with it).
  shims: true,
  external: [/^@ballast\/core(\/.*)?$/],
});
