import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("optional peer isolation", () => {
  it("imports ioredis, and values from redis/, only inside redis/", () => {
    const offenders: string[] = [];
    for (const file of sources(here)) {
      const name = relative(here, file);
      if (name.startsWith("redis")) continue;
      const text = readFileSync(file, "utf8");
      // Every static import or re-export that is not type-only.
      for (const match of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+"([^"]+)"/gms)) {
        const specifier = match[1]!;
        if (specifier === "ioredis" || specifier.startsWith("ioredis/") || specifier.includes("/redis/")) {
          offenders.push(`${name}: ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
