import { defineConfig } from "tsup";

// `src/redis.ts` is the only entry that imports ioredis (an optional peer, so external).
export default defineConfig({
  entry: ["src/index.ts", "src/redis.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
});
