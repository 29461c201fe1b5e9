import { defineConfig } from "tsup";

// One entry per public sub-path. Optional peers are external (tsup externalizes peer
// dependencies), and so is the package's own name: the root entry reaches a backend only through
// `import("@ballast/core/<backend>")`, which must stay a runtime import of the sub-path.
export default defineConfig({
  entry: ["src/index.ts", "src/postgres.ts", "src/s3.ts", "src/gcs.ts", "src/kafka.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  external: [/^@ballast\/core(\/.*)?$/],
});
