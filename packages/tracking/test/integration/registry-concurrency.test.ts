/**
 * Version numbering and alias moves under real concurrency on PostgreSQL: independent connection
 * pools (each its own `openMetadataDatabase`) and independent OS processes registering at once
 * against one schema and workspace. The numbers must come out exactly 1..N.
 *
 * PGlite is embedded and single-process: its one engine runs one statement at a time and only one
 * process may open a data directory, so there is no cross-connection race to test there; the
 * same-process `Promise.all` registration test in registry.test.ts covers its numbering.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BlobStore,
  createLocalBlobStore,
  type MetadataDatabase,
  newId,
  openMetadataDatabase,
  quoteIdentifier,
} from "@ballast/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { contentKey } from "../../src/artifacts/content-key.js";
import { createRegistry, type Registry } from "../../src/registry/registry.js";

const postgresUrl = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");
const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = resolve(here, "../../../..");
const registryModule = resolve(here, "../../src/registry/registry.ts");

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe.skipIf(!postgresUrl)("registry concurrency on PostgreSQL", () => {
  const schema = `registry_conc_${newId().replaceAll("-", "").slice(-12)}`;
  const workspace = `conc-${newId().replaceAll("-", "").slice(-12)}`;
  const blobDir = mkdtempSync(join(tmpdir(), "ballast-registry-conc-"));
  const databases: MetadataDatabase[] = [];
  const registries: Registry[] = [];
  let blobs: BlobStore;
  let runId: string;

  beforeAll(async () => {
    const admin = await openMetadataDatabase(postgresUrl!);
    await admin.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await admin.close();
    blobs = await createLocalBlobStore(blobDir);
    for (let i = 0; i < 3; i++)
      databases.push(await openMetadataDatabase(postgresUrl!, { schema, poolSize: 5 }));
    // Opened together: three migrators race on the advisory lock, and each migration still runs once.
    registries.push(
      ...(await Promise.all(
        databases.map((db, i) =>
          createRegistry({ metadata: db, artifacts: blobs, workspace }, { actor: `pool-${i}` }),
        ),
      )),
    );
    const db = databases[0]!;
    const now = new Date();
    const experimentId = newId();
    runId = newId();
    await db.query(
      "INSERT INTO tracking_experiments (workspace_id, id, name, created_at) VALUES ($1, $2, 'e', $3)",
      [workspace, experimentId, now],
    );
    await db.query(
      `INSERT INTO tracking_runs (workspace_id, id, experiment_id, name, status, start_time, heartbeat_at, owner_host,
         owner_pid) VALUES ($1, $2, $3, 'r', 'finished', $4, $4, 'h', 1)`,
      [workspace, runId, experimentId, now],
    );
    const bytes = "concurrent model";
    const sha = createHash("sha256").update(bytes).digest("hex");
    await blobs.put(contentKey(sha), bytes);
    await db.query(
      `INSERT INTO tracking_artifacts (workspace_id, run_id, path, sha256, size, created_at)
       VALUES ($1, $2, 'model.bin', $3, $4, $5)`,
      [workspace, runId, sha, bytes.length, now],
    );
    // One metric per version's run would need many runs; the promotion test seeds its own.
  });

  afterAll(async () => {
    for (const registry of registries) await registry.close();
    for (const db of databases) await db.close();
    const admin = await openMetadataDatabase(postgresUrl!);
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await admin.close();
  });

  it("numbers 30 registrations from three independent pools exactly 1..30", async () => {
    const versions = await Promise.all(
      registries.flatMap((registry) =>
        range(10).map(() => registry.createVersion("pooled", { runId, artifactPath: "model.bin" })),
      ),
    );
    expect(sorted(versions.map((v) => v.version))).toEqual(range(30));
    const { rows } = await databases[1]!.query<{ versions: number[]; last_version: number }>(
      `SELECT array_agg(v.version ORDER BY v.version) AS versions, max(m.last_version) AS last_version
       FROM registry_versions v JOIN registry_models m ON m.workspace_id = v.workspace_id AND m.id = v.model_id
       WHERE v.workspace_id = $1 AND m.name = 'pooled'`,
      [workspace],
    );
    expect(rows[0]).toEqual({ versions: range(30), last_version: 30 });
  });

  it("numbers registrations from two OS processes exactly 1..N", async () => {
    const perProcess = 12;
    const child = (index: number) => {
      // Plain JS evaluated by Node with tsx's loader, so the child imports the registry's TypeScript
      // source exactly as the test does; it reports "ready" once migrated and waits for "go" on stdin,
      // so both processes register at the same time rather than one after the other.
      const code = `
        const { createLocalBlobStore, openMetadataDatabase } = await import("@ballast/core");
        const { createRegistry } = await import(${JSON.stringify(registryModule)});
        const env = JSON.parse(process.env.REGISTRY_CHILD);
        const db = await openMetadataDatabase(env.url, { schema: env.schema, poolSize: 4 });
        const registry = await createRegistry(
          { metadata: db, artifacts: await createLocalBlobStore(env.blobDir), workspace: env.workspace },
          { actor: "process-" + env.index },
        );
        process.stdout.write("ready\\n");
        await new Promise((go) => process.stdin.once("data", go));
        const versions = await Promise.all(
          Array.from({ length: env.count }, () => registry.createVersion("multi-process", { runId: env.runId, artifactPath: "model.bin" })),
        );
        process.stdout.write(JSON.stringify(versions.map((v) => v.version)) + "\\n");
        await db.close();
        process.exit(0);
      `;
      const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", code], {
        cwd: repoRoot,
        env: {
          ...process.env,
          REGISTRY_CHILD: JSON.stringify({
            url: postgresUrl,
            schema,
            blobDir,
            workspace,
            runId,
            index,
            count: perProcess,
          }),
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let onReady: () => void;
      const ready = new Promise<void>((resolveReady) => {
        onReady = resolveReady;
      });
      proc.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("ready\n")) onReady();
      });
      proc.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const done = new Promise<number[]>((resolveDone, reject) => {
        proc.on("error", reject);
        proc.on("exit", (code) => {
          if (code !== 0) reject(new Error(`child ${index} exited with ${code}: ${stderr}`));
          else resolveDone(JSON.parse(stdout.split("\n").filter(Boolean).at(-1)!) as number[]);
        });
      });
      return { proc, ready: Promise.race([ready, done.then(() => undefined)]), done };
    };
    const children = [child(0), child(1)];
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.proc.stdin.write("go\n");
    const results = await Promise.all(children.map((c) => c.done));
    expect(results.map((r) => r.length)).toEqual([perProcess, perProcess]);
    expect(sorted(results.flat())).toEqual(range(2 * perProcess));
  });

  it("serialises concurrent alias moves: every audit row's previous version is the one before it", async () => {
    await Promise.all(
      registries.map((registry) => registry.createVersion("moves", { runId, artifactPath: "model.bin" })),
    );
    await Promise.all(
      registries.flatMap((registry, i) =>
        range(6).map((n) =>
          registry.setAlias("moves", "production", ((i + n) % 3) + 1, { reason: `${i}-${n}` }),
        ),
      ),
    );
    const trail = await registries[0]!.getAuditTrail("moves", { alias: "production" });
    expect(trail).toHaveLength(18);
    trail.forEach((entry, i) => {
      expect(entry.previousVersion).toBe(i === 0 ? null : trail[i - 1]!.version);
    });
    expect((await registries[2]!.resolve("models:/moves@production")).version).toBe(trail.at(-1)!.version);
  });

  it("evaluates better-than-current under the lock: concurrent promotions only ever move up", async () => {
    const db = databases[0]!;
    const { rows } = await db.query<{ experiment_id: string }>(
      "SELECT experiment_id FROM tracking_runs WHERE workspace_id = $1 AND id = $2",
      [workspace, runId],
    );
    const versions: number[] = [];
    for (let i = 0; i < 9; i++) {
      const candidateRun = newId();
      const now = new Date();
      await db.query(
        `INSERT INTO tracking_runs (workspace_id, id, experiment_id, name, status, start_time, heartbeat_at, owner_host,
           owner_pid) VALUES ($1, $2, $3, $4, 'finished', $5, $5, 'h', 1)`,
        [workspace, candidateRun, rows[0]!.experiment_id, `candidate-${i}`, now],
      );
      await db.query(
        `INSERT INTO tracking_artifacts (workspace_id, run_id, path, sha256, size, created_at)
         SELECT workspace_id, $2, path, sha256, size, created_at FROM tracking_artifacts WHERE workspace_id = $1 AND run_id = $3`,
        [workspace, candidateRun, runId],
      );
      // Scores are a permutation, so promotions racing in any order exercise both outcomes.
      const score = [0.5, 0.9, 0.6, 0.8, 0.55, 0.95, 0.7, 0.65, 0.85][i]!;
      await db.query(
        `INSERT INTO tracking_metric_summaries (workspace_id, run_id, key, last_value, last_step, last_timestamp_ms,
           min_value, max_value, point_count) VALUES ($1, $2, 'accuracy', $3, 0, 0, $3, $3, 1)`,
        [workspace, candidateRun, score],
      );
      versions.push(
        (await registries[i % 3]!.createVersion("race", { runId: candidateRun, artifactPath: "model.bin" }))
          .version,
      );
    }
    const outcomes = await Promise.all(
      versions.map((version, i) =>
        registries[i % 3]!.promote("race", version, {
          alias: "production",
          gate: [{ metric: "accuracy", betterThanCurrent: "higher" }],
          throwOnFailure: false,
        }),
      ),
    );
    const accuracy = new Map(outcomes.map((o) => [o.version, o.results[0]!.actual as number]));
    const promotions = (await registries[1]!.getAuditTrail("race", { alias: "production" })).filter(
      (entry) => entry.action === "promote",
    );
    expect(promotions.length).toBeGreaterThan(0);
    promotions.forEach((entry, i) => {
      expect(entry.previousVersion).toBe(i === 0 ? null : promotions[i - 1]!.version);
      if (entry.previousVersion !== null) {
        expect(accuracy.get(entry.version!)!).toBeGreaterThan(accuracy.get(entry.previousVersion)!);
      }
    });
    // Whatever order they ran in, the best version is the one in production at the end.
    expect((await registries[0]!.resolve("models:/race@production")).version).toBe(versions[5]);
  });
});
