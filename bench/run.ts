import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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
const file = join(benchDir, `${name}.bench.ts`);
if (!existsSync(file)) process.exit(1);
await import(pathToFileURL(file).href);
