import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { readServiceEnv } from "../test-support/service-env-file.js";

// `npm run bench -- <name>` runs bench/<name>.bench.ts; with no name it lists what exists.
const benchDir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.replace(/\.bench\.ts$/, ""));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(", ") || "(none)"}`);
  process.exit(name ? 1 : 0);
}
// Benchmarks that need a service find it the way the tests do, through .services/test.env.
Object.assign(process.env, readServiceEnv(join(benchDir, "..")));
const file = join(benchDir, `${name}.bench.ts`);
if (!existsSync(file)) process.exit(1);
await import(pathToFileURL(file).href);
