import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLockfilePackages } from "./package-versions.js";

describe("readLockfilePackages", () => {
  it("reads the direct dependencies of the nearest lockfile, following workspace links", async () => {
    const root = await mkdtemp(join(tmpdir(), "ballast-lock-"));
    await writeFile(
      join(root, "package-lock.json"),
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          "": { dependencies: { zod: "^4" }, devDependencies: { vitest: "4.1.0", "@me/lib": "*" } },
          "node_modules/zod": { version: "4.6.7" },
          "node_modules/vitest": { version: "4.1.0" },
          "node_modules/transitive": { version: "1.0.0" },
          "node_modules/@me/lib": { resolved: "packages/lib", link: true },
          "packages/lib": { version: "0.3.0" },
        },
      }),
    );
    const nested = join(root, "src", "deep");
    await mkdir(nested, { recursive: true });
    expect(await readLockfilePackages(nested)).toEqual({ "@me/lib": "0.3.0", vitest: "4.1.0", zod: "4.6.7" });
  });

  it("returns an empty map without a lockfile", async () => {
    expect(await readLockfilePackages(await mkdtemp(join(tmpdir(), "ballast-nolock-")))).toEqual({});
  });
});
