import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Where `npm run services:up` writes the service addresses (`KEY=value` lines). */
export const SERVICE_ENV_FILE = ".services/test.env";

/**
 * The variables of the service env file that are not already set, so the plain `npm test` and
 * `npm run bench` find the services without exporting anything by hand. Variables already in the
 * environment win.
 */
export function readServiceEnv(root: string = process.cwd()): Record<string, string> {
  const file = resolve(root, SERVICE_ENV_FILE);
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]!] === undefined) env[match[1]!] = match[2]!;
  }
  return env;
}
