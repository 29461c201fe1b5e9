import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import type { ConfigError } from "../errors/config-error.js";
import { loadConfig } from "./load-config.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ballast-config-"));
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    expect(BallastError.isInstance(error, "CONFIG_INVALID")).toBe(true);
    return error as ConfigError;
  }
  throw new Error("expected CONFIG_INVALID");
}

describe("loadConfig", () => {
  it("defaults every backend to the embedded one under .ballast", async () => {
    const cwd = tempDir();
    const config = await loadConfig({ cwd, env: {} });
    expect(config.workspace).toBe("default");
    expect(config.root).toBe(join(cwd, ".ballast"));
    expect(config.metadata).toMatchObject({ scheme: "pglite", path: join(cwd, ".ballast", "db") });
    expect(config.artifacts).toMatchObject({ scheme: "file", path: join(cwd, ".ballast", "artifacts") });
    expect(config.stream).toMatchObject({ scheme: "log", path: join(cwd, ".ballast", "streams") });
    expect(config.online).toMatchObject({ scheme: "embedded", path: join(cwd, ".ballast", "online") });
  });

  it("applies file, then BALLAST_* variables, then arguments", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, "ballast.config.json"),
      JSON.stringify({ workspace: "from-file", metadata: "pglite://file-db", stream: "kafka://file:9092" }),
    );
    const config = await loadConfig({
      cwd,
      env: { BALLAST_METADATA: "postgres://env@db:5432/x", BALLAST_STREAM: "kafka://env:9092" },
      overrides: { stream: "log://arg-streams" },
    });
    expect(config.configFile).toBe(join(cwd, "ballast.config.json"));
    expect(config.workspace).toBe("from-file");
    expect(config.metadata.uri).toBe("postgres://env@db:5432/x");
    expect(config.stream).toMatchObject({ scheme: "log", path: join(cwd, "arg-streams") });
  });

  it("loads ballast.config.ts with defineConfig", async () => {
    const cwd = tempDir();
    const core = join(import.meta.dirname, "config-schema.ts");
    writeFileSync(
      join(cwd, "ballast.config.ts"),
      `import { defineConfig } from ${JSON.stringify(core)};\n` +
        `const bucket: string = "ml";\n` +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder belongs to the written TypeScript file.
        "export default defineConfig({ workspace: 'team-a', artifacts: `s3://${bucket}/runs` });\n",
    );
    const config = await loadConfig({ cwd, env: {} });
    expect(config.workspace).toBe("team-a");
    expect(config.artifacts).toMatchObject({ scheme: "s3", uri: "s3://ml/runs" });
  });

  it("resolves relative local paths against the config file's directory", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "custom.json"), JSON.stringify({ root: "state", artifacts: "file:///abs/art" }));
    const config = await loadConfig({ cwd: tempDir(), env: { BALLAST_CONFIG: join(dir, "custom.json") } });
    expect(config.root).toBe(join(dir, "state"));
    expect(config.metadata.path).toBe(join(dir, "state", "db"));
    expect(config.artifacts.path).toBe("/abs/art");
  });

  it("accepts pglite://memory", async () => {
    const config = await loadConfig({ cwd: tempDir(), env: {}, overrides: { metadata: "pglite://memory" } });
    expect(config.metadata.path).toBe("memory");
  });

  it("rejects an unknown scheme with the key path, the value and the allowed schemes", async () => {
    const error = await configError(
      loadConfig({ cwd: tempDir(), env: {}, overrides: { metadata: "mysql://db/x" } }),
    );
    expect(error.issues).toEqual([
      {
        path: "metadata",
        received: "mysql://db/x",
        expected: "a URI starting with pglite://, postgres://, postgresql://",
      },
    ]);
    expect(error.message).toContain('metadata: got "mysql://db/x"');
  });

  it("names the environment variable and hides passwords", async () => {
    const error = await configError(
      loadConfig({ cwd: tempDir(), env: { BALLAST_STREAM: "amqp://user:secret@mq:5672" } }),
    );
    expect(error.issues[0]).toMatchObject({ path: "BALLAST_STREAM", received: "amqp://user:***@mq:5672" });
    expect(error.message).not.toContain("secret");
  });

  it("reports unknown BALLAST_* variables, unknown keys and bad types together", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "ballast.config.json"), JSON.stringify({ metdata: "pglite://x", workspace: 5 }));
    const error = await configError(loadConfig({ cwd, env: { BALLAST_METADATA_URL: "pglite://x" } }));
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toContain(`metdata (in ${join(cwd, "ballast.config.json")})`);
    expect(paths).toContain(`workspace (in ${join(cwd, "ballast.config.json")})`);
    expect(paths).toContain("BALLAST_METADATA_URL");
  });

  it("rejects a workspace id that is not a slug", async () => {
    const error = await configError(loadConfig({ cwd: tempDir(), env: { BALLAST_WORKSPACE: "Team A" } }));
    expect(error.issues[0]?.path).toBe("BALLAST_WORKSPACE");
  });

  it("fails clearly on a config file with a syntax error or a missing explicit file", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "ballast.config.json"), "{ not json");
    await configError(loadConfig({ cwd, env: {} }));
    const missing = await configError(loadConfig({ cwd, env: {}, configFile: "nope.json" }));
    expect(missing.issues[0]).toMatchObject({ path: "configFile", received: "nope.json" });
  });
});
