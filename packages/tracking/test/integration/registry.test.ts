/**
 * The model registry against every backend combination (PGlite/PostgreSQL × local/S3/GCS). Runs,
 * artifacts, metric summaries, tags, params and datasets are seeded with plain SQL following the
 * tracking schema, so these tests depend on the schema only, not on the tracker's code.
 */
import { createHash } from "node:crypto";
import { text } from "node:stream/consumers";
import { BallastError, newId } from "@ballast/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { contentKey } from "../../src/artifacts/content-key.js";
import { createRegistry, type Registry } from "../../src/registry/registry.js";
import type { TrackingContext } from "../../src/tracking-context.js";
import { trackingBackends } from "../backends.js";

interface SeedRun {
  experiment?: string;
  params?: Record<string, unknown>;
  tags?: Record<string, string>;
  /** key → [last, min, max] */
  metrics?: Record<string, [number, number, number]>;
  artifacts?: Record<string, string>;
  git?: Record<string, unknown>;
}

async function seedRun(ctx: TrackingContext, seed: SeedRun = {}): Promise<string> {
  const { workspaceId: ws, db } = ctx;
  const now = new Date();
  const experiment = seed.experiment ?? "churn-training";
  await db.query(
    `INSERT INTO tracking_experiments (workspace_id, id, name, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace_id, name) DO NOTHING`,
    [ws, newId(), experiment, now],
  );
  const runId = newId();
  await db.query(
    `INSERT INTO tracking_runs (workspace_id, id, experiment_id, name, status, start_time, end_time, heartbeat_at,
       owner_host, owner_pid, environment)
     SELECT $1, $2, id, $3, 'finished', $4, $4, $4, 'test-host', 1, $5::jsonb
     FROM tracking_experiments WHERE workspace_id = $1 AND name = $6`,
    [ws, runId, `run-${runId.slice(-6)}`, now, JSON.stringify({ git: seed.git ?? null }), experiment],
  );
  for (const [key, value] of Object.entries(seed.params ?? {})) {
    await db.query(
      `INSERT INTO tracking_params (workspace_id, run_id, key, value, value_text, value_number)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [ws, runId, key, JSON.stringify(value), String(value), typeof value === "number" ? value : null],
    );
  }
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await db.query("INSERT INTO tracking_tags (workspace_id, run_id, key, value) VALUES ($1, $2, $3, $4)", [
      ws,
      runId,
      key,
      value,
    ]);
  }
  for (const [key, [last, min, max]] of Object.entries(seed.metrics ?? {})) {
    await db.query(
      `INSERT INTO tracking_metric_summaries (workspace_id, run_id, key, last_value, last_step, last_timestamp_ms,
         min_value, max_value, point_count) VALUES ($1, $2, $3, $4, 10, 0, $5, $6, 11)`,
      [ws, runId, key, last, min, max],
    );
  }
  for (const [path, content] of Object.entries(seed.artifacts ?? {})) {
    const sha = createHash("sha256").update(content).digest("hex");
    await ctx.blobs.put(contentKey(sha), content);
    await db.query(
      `INSERT INTO tracking_artifacts (workspace_id, run_id, path, sha256, size, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [ws, runId, path, sha, Buffer.byteLength(content), now],
    );
  }
  return runId;
}

async function seedDataset(
  ctx: TrackingContext,
  name: string,
  digest: string,
  sourceUri: string,
): Promise<string> {
  const id = newId();
  await ctx.db.query(
    `INSERT INTO tracking_datasets (workspace_id, id, name, digest, source_uri, row_count, created_at)
     VALUES ($1, $2, $3, $4, $5, 1000, $6)`,
    [ctx.workspaceId, id, name, digest, sourceUri, new Date()],
  );
  return id;
}

async function seedInput(ctx: TrackingContext, runId: string, datasetId: string, context: string) {
  await ctx.db.query(
    "INSERT INTO tracking_run_inputs (workspace_id, run_id, dataset_id, context) VALUES ($1, $2, $3, $4)",
    [ctx.workspaceId, runId, datasetId, context],
  );
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === "function" ? promise() : promise);
    return undefined;
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : `not a BallastError: ${String(error)}`;
  }
}

const sha = (content: string) => createHash("sha256").update(content).digest("hex");

describe.each(trackingBackends())("registry on $name", (backend) => {
  let ctx: TrackingContext;
  let registry: Registry;

  const openRegistry = async (context: TrackingContext) =>
    createRegistry(
      { metadata: context.db, artifacts: context.blobs, workspace: context.workspaceId },
      { actor: "tester" },
    );

  beforeAll(async () => {
    ctx = await backend.open();
    registry = await openRegistry(ctx);
  });

  afterAll(async () => {
    await registry?.close();
  });

  describe("models and versions", () => {
    it("registers consecutive immutable versions from a run's artifact, copying its sha256", async () => {
      const runId = await seedRun(ctx, { artifacts: { "model.json": '{"w":[1,2]}' } });
      const first = await registry.createVersion("churn", {
        runId,
        artifactPath: "model.json",
        signature: { inputs: z.object({ tenure: z.number() }), outputs: { type: "object" } },
        description: "first",
        tags: { framework: "plain-ts" },
      });
      expect(first).toMatchObject({
        kind: "model",
        model: "churn",
        version: 1,
        runId,
        artifactPath: "model.json",
        artifactSha256: sha('{"w":[1,2]}'),
        description: "first",
        tags: { framework: "plain-ts" },
        createdBy: "tester",
        content: null,
      });
      expect(first.signature?.inputs).toMatchObject({
        type: "object",
        properties: { tenure: { type: "number" } },
      });
      const second = await registry.createVersion("churn", {
        runId,
        artifactPath: "model.json",
        createdBy: "ci",
      });
      const third = await registry.createVersion("churn", { runId, artifactPath: "model.json" });
      expect([second.version, third.version]).toEqual([2, 3]);
      expect(second.createdBy).toBe("ci");
      expect((await registry.listVersions("churn")).map((v) => v.version)).toEqual([3, 2, 1]);
      expect(await registry.getVersion("churn", 1)).toMatchObject({ version: 1, signature: first.signature });
      expect((await registry.getModel("churn")).latestVersion).toBe(3);
    });

    it("changes only a version's description and tags", async () => {
      const runId = await seedRun(ctx, { artifacts: { m: "bytes" } });
      const v = await registry.createVersion("mutable-check", {
        runId,
        artifactPath: "m",
        tags: { a: "1", b: "2" },
      });
      const updated = await registry.updateVersion("mutable-check", v.version, {
        description: "validated offline",
        tags: { b: null, c: "3" },
      });
      expect(updated).toMatchObject({ description: "validated offline", tags: { a: "1", c: "3" } });
      expect(updated.artifactSha256).toBe(v.artifactSha256);
      expect(
        await codeOf(registry.updateVersion("mutable-check", v.version, { artifactPath: "other" } as never)),
      ).toBe("VALIDATION_FAILED");
      expect(await codeOf(registry.updateVersion("mutable-check", 99, { description: "x" }))).toBe(
        "VERSION_NOT_FOUND",
      );
    });

    it("creates models explicitly, refusing taken names unless asked to return them", async () => {
      const model = await registry.createModel("explicit", { description: "d", tags: { team: "risk" } });
      expect(model).toMatchObject({ name: "explicit", kind: "model", latestVersion: 0, aliases: {} });
      expect(await codeOf(registry.createModel("explicit"))).toBe("MODEL_EXISTS");
      expect(
        (await registry.createModel("explicit", { ifExists: "return", description: "ignored" })).description,
      ).toBe("d");
      const updated = await registry.updateModel("explicit", {
        description: null,
        tags: { team: null, tier: "1" },
      });
      expect(updated).toMatchObject({ description: null, tags: { tier: "1" } });
      const names = (await registry.listModels({ namePrefix: "expl" })).map((m) => m.name);
      expect(names).toEqual(["explicit"]);
    });

    it("numbers concurrent registrations 1..N without gaps or duplicates", async () => {
      // On PGlite the statements of concurrent transactions are serialised in one process; on
      // PostgreSQL the pool runs them on separate connections. Multi-process: registry-concurrency.test.ts.
      const runId = await seedRun(ctx, { artifacts: { m: "concurrent" } });
      const versions = await Promise.all(
        Array.from({ length: 25 }, () => registry.createVersion("parallel", { runId, artifactPath: "m" })),
      );
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    });

    it("does not use up a number when a registration fails", async () => {
      const runId = await seedRun(ctx, { artifacts: { m: "x" } });
      await registry.createVersion("no-gaps", { runId, artifactPath: "m" });
      expect(await codeOf(registry.createVersion("no-gaps", { runId, artifactPath: "missing" }))).toBe(
        "ARTIFACT_NOT_FOUND",
      );
      expect((await registry.createVersion("no-gaps", { runId, artifactPath: "m" })).version).toBe(2);
    });
  });

  describe("aliases", () => {
    let runId: string;
    beforeAll(async () => {
      runId = await seedRun(ctx, { artifacts: { m: "alias bytes" } });
      for (let i = 0; i < 3; i++) await registry.createVersion("aliased", { runId, artifactPath: "m" });
    });

    it("sets, moves and deletes aliases, each move audited", async () => {
      expect(await registry.setAlias("aliased", "staging", 1, { reason: "first candidate" })).toEqual({
        alias: "staging",
        version: 1,
        previousVersion: null,
      });
      expect((await registry.resolve("models:/aliased@staging")).version).toBe(1);
      await registry.setAlias("aliased", "staging", 2, { actor: "alice" });
      expect((await registry.resolve("models:/aliased@staging")).version).toBe(2);
      expect((await registry.getModel("aliased")).aliases).toEqual({ staging: 2 });
      expect((await registry.getVersion("aliased", 2)).aliases).toEqual(["staging"]);
      expect(await registry.deleteAlias("aliased", "staging")).toEqual({
        alias: "staging",
        version: null,
        previousVersion: 2,
      });
      expect(await codeOf(registry.resolve("models:/aliased@staging"))).toBe("ALIAS_NOT_FOUND");
      const trail = await registry.getAuditTrail("aliased", { alias: "staging" });
      expect(trail.map((e) => [e.action, e.version, e.previousVersion, e.actor, e.reason])).toEqual([
        ["set_alias", 1, null, "tester", "first candidate"],
        ["set_alias", 2, 1, "alice", null],
        ["delete_alias", null, 2, "tester", null],
      ]);
    });

    it("keeps latest reserved: it always resolves to the highest version and cannot be set", async () => {
      expect((await registry.resolve("models:/aliased@latest")).version).toBe(3);
      expect(await codeOf(registry.setAlias("aliased", "latest", 1))).toBe("ALIAS_RESERVED");
      expect(await codeOf(registry.deleteAlias("aliased", "latest"))).toBe("ALIAS_RESERVED");
      expect(await codeOf(registry.promote("aliased", 1, { alias: "latest" }))).toBe("ALIAS_RESERVED");
      await registry.createVersion("aliased", { runId, artifactPath: "m" });
      expect((await registry.resolve("models:/aliased@latest")).version).toBe(4);
      expect((await registry.getModel("aliased")).aliases).not.toHaveProperty("latest");
    });

    it("rejects bad alias names and targets", async () => {
      expect(await codeOf(registry.setAlias("aliased", "Prod", 1))).toBe("ALIAS_NAME_INVALID");
      expect(await codeOf(registry.setAlias("aliased", "1st", 1))).toBe("ALIAS_NAME_INVALID");
      expect(await codeOf(registry.setAlias("aliased", "prod", 99))).toBe("VERSION_NOT_FOUND");
      expect(await codeOf(registry.setAlias("aliased", "prod", 0))).toBe("VALIDATION_FAILED");
      expect(await codeOf(registry.setAlias("nope", "prod", 1))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(registry.deleteAlias("aliased", "never-set"))).toBe("ALIAS_NOT_FOUND");
      expect((await registry.getAuditTrail("aliased", { alias: "prod" })).length).toBe(0);
    });
  });

  describe("promotion", () => {
    async function version(name: string, seed: SeedRun, tags: Record<string, string> = {}) {
      const runId = await seedRun(ctx, { artifacts: { "model.bin": `${name}-${newId()}` }, ...seed });
      return registry.createVersion(name, { runId, artifactPath: "model.bin", tags });
    }

    it("promotes through a passing gate and records the results", async () => {
      const v = await version("gated", {
        metrics: { accuracy: [0.93, 0.5, 0.95] },
        tags: { validated: "true" },
      });
      const outcome = await registry.promote("gated", v.version, {
        alias: "production",
        gate: [
          { metric: "accuracy", op: ">=", value: 0.9 },
          { metric: "accuracy", op: ">=", value: 0.95, stat: "max" },
          { tag: "validated", equals: "true" },
        ],
        reason: "weekly retrain",
        actor: "release-bot",
      });
      expect(outcome.promoted).toBe(true);
      expect(outcome.results.map((r) => [r.passed, r.actual])).toEqual([
        [true, 0.93],
        [true, 0.95],
        [true, "true"],
      ]);
      expect((await registry.resolve("models:/gated@production")).version).toBe(v.version);
      const [entry] = await registry.getAuditTrail("gated");
      expect(entry).toMatchObject({
        action: "promote",
        alias: "production",
        version: v.version,
        previousVersion: null,
        actor: "release-bot",
        reason: "weekly retrain",
      });
      expect(entry!.gateResults).toEqual(outcome.results);
      expect(entry!.at).toBeInstanceOf(Date);
    });

    it("rejects a failing gate: alias unchanged, rejection audited, PROMOTION_REJECTED thrown", async () => {
      const good = await version("rejecting", { metrics: { accuracy: [0.91, 0.91, 0.91] } });
      await registry.promote("rejecting", good.version, { alias: "production" });
      const bad = await version(
        "rejecting",
        { metrics: { accuracy: [0.7, 0.7, 0.7] } },
        { validated: "false" },
      );
      const gate = [
        { metric: "accuracy", op: ">=", value: 0.9 },
        { tag: "validated", equals: "true" },
        { metric: "latency_ms", op: "<", value: 50 },
      ] as const;
      let thrown: unknown;
      try {
        await registry.promote("rejecting", bad.version, {
          alias: "production",
          gate: [...gate],
          reason: "try",
        });
      } catch (error) {
        thrown = error;
      }
      expect(BallastError.isInstance(thrown, "PROMOTION_REJECTED")).toBe(true);
      const error = thrown as BallastError;
      expect(error.message).toContain("accuracy = 0.7");
      expect(error.message).toContain("latency_ms: not logged");
      expect(error.details?.failed).toHaveLength(3);
      expect((await registry.resolve("models:/rejecting@production")).version).toBe(good.version);
      const trail = await registry.getAuditTrail("rejecting", { alias: "production" });
      expect(trail.map((e) => [e.action, e.version, e.previousVersion])).toEqual([
        ["promote", good.version, null],
        ["promote_rejected", bad.version, good.version],
      ]);
      expect(trail[1]!.gateResults?.map((r) => r.passed)).toEqual([false, false, false]);

      const quiet = await registry.promote("rejecting", bad.version, {
        alias: "production",
        gate: [...gate],
        throwOnFailure: false,
      });
      expect(quiet).toMatchObject({ promoted: false, previousVersion: good.version });
      expect((await registry.resolve("models:/rejecting@production")).version).toBe(good.version);
    });

    it("better than current: passes when unset, rejects worse or not enough better, accepts better", async () => {
      const gate = [{ metric: "loss", betterThanCurrent: "lower" as const, minDelta: 0.01 }];
      const v1 = await version("ladder", { metrics: { loss: [0.3, 0.3, 0.9] } });
      const first = await registry.promote("ladder", v1.version, { alias: "production", gate });
      expect(first.promoted).toBe(true);
      expect(first.results[0]!.message).toContain("unset");
      const v2 = await version("ladder", { metrics: { loss: [0.295, 0.29, 0.8] } });
      expect(await codeOf(registry.promote("ladder", v2.version, { alias: "production", gate }))).toBe(
        "PROMOTION_REJECTED",
      );
      const v3 = await version("ladder", { metrics: { loss: [0.2, 0.2, 0.7] } });
      const third = await registry.promote("ladder", v3.version, { alias: "production", gate });
      expect(third).toMatchObject({ promoted: true, previousVersion: v1.version });
      expect(third.results[0]).toMatchObject({ passed: true, actual: 0.2 });
      expect((await registry.resolve("models:/ladder@production")).version).toBe(v3.version);
    });

    it("rolls back along the audit trail, walking back on repeated rollbacks", async () => {
      const versions = [];
      for (let i = 0; i < 3; i++) versions.push(await version("rollback", {}));
      await registry.setAlias("rollback", "production", 1);
      await registry.promote("rollback", 2, { alias: "production" });
      await registry.promote("rollback", 3, { alias: "production" });
      expect(
        await registry.rollback("rollback", "production", { reason: "latency", actor: "oncall" }),
      ).toEqual({
        alias: "production",
        version: 2,
        previousVersion: 3,
      });
      expect((await registry.resolve("models:/rollback@production")).version).toBe(2);
      expect((await registry.rollback("rollback", "production")).version).toBe(1);
      expect(await codeOf(registry.rollback("rollback", "production"))).toBe("ROLLBACK_UNAVAILABLE");
      expect((await registry.resolve("models:/rollback@production")).version).toBe(1);
      await registry.deleteAlias("rollback", "production");
      expect((await registry.rollback("rollback", "production")).version).toBe(1);
      const trail = await registry.getAuditTrail("rollback");
      expect(trail.map((e) => `${e.action}:${e.previousVersion}->${e.version}`)).toEqual([
        "set_alias:null->1",
        "promote:1->2",
        "promote:2->3",
        "rollback:3->2",
        "rollback:2->1",
        "delete_alias:1->null",
        "rollback:null->1",
      ]);
      expect(trail[3]).toMatchObject({ actor: "oncall", reason: "latency" });
      expect(await codeOf(registry.rollback("rollback", "never-set"))).toBe("ROLLBACK_UNAVAILABLE");
    });

    it("rejects malformed gates before touching anything", async () => {
      const v = await version("bad-gate", {});
      expect(
        await codeOf(
          registry.promote("bad-gate", v.version, { alias: "production", gate: [{ metric: "a" }] as never }),
        ),
      ).toBe("GATE_INVALID");
      expect(await codeOf(registry.promote("bad-gate", 42, { alias: "production" }))).toBe(
        "VERSION_NOT_FOUND",
      );
      expect(await registry.getAuditTrail("bad-gate")).toEqual([]);
    });
  });

  describe("resolution and artifacts", () => {
    const bytes = `weights-${"x".repeat(5000)}`;
    let runId: string;
    beforeAll(async () => {
      runId = await seedRun(ctx, { artifacts: { "model.onnx": bytes, "other.bin": "other" } });
      await registry.createVersion("resolvable", { runId, artifactPath: "other.bin" });
      await registry.createVersion("resolvable", { runId, artifactPath: "model.onnx" });
      await registry.setAlias("resolvable", "production", 2);
    });

    it("resolves version, alias and latest URIs to the same record", async () => {
      const byVersion = await registry.resolve("models:/resolvable/2");
      const byAlias = await registry.resolve("models:/resolvable@production");
      const byLatest = await registry.resolve("models:/resolvable@latest");
      expect(byVersion).toMatchObject({ uri: "models:/resolvable/2", alias: null, version: 2, runId });
      expect(byAlias).toMatchObject({
        uri: "models:/resolvable/2",
        alias: "production",
        artifactSha256: sha(bytes),
      });
      expect(byLatest).toMatchObject({ uri: "models:/resolvable/2", alias: "latest" });
      expect((await registry.resolve("models:/resolvable/1")).artifactPath).toBe("other.bin");
    });

    it("reports which part of a URI is missing", async () => {
      expect(await codeOf(registry.resolve("models:/resolvable/9"))).toBe("VERSION_NOT_FOUND");
      expect(await codeOf(registry.resolve("models:/resolvable@canary"))).toBe("ALIAS_NOT_FOUND");
      expect(await codeOf(registry.resolve("models:/unknown@production"))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(registry.resolve("prompts:/resolvable@latest"))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(registry.resolve("models:/resolvable"))).toBe("MODEL_URI_INVALID");
      expect(await codeOf(registry.resolve("s3://bucket/model"))).toBe("MODEL_URI_INVALID");
      await registry.createModel("empty");
      expect(await codeOf(registry.resolve("models:/empty@latest"))).toBe("VERSION_NOT_FOUND");
    });

    it("downloads and streams exactly the stored bytes", async () => {
      const resolved = await registry.resolve("models:/resolvable@production");
      expect(Buffer.from(await registry.downloadArtifact(resolved)).toString()).toBe(bytes);
      expect(await text(await registry.openArtifact("models:/resolvable@production"))).toBe(bytes);
    });

    it("detects bytes changed behind the registry's back", async () => {
      const runId2 = await seedRun(ctx, { artifacts: { m: "original" } });
      const v = await registry.createVersion("tampered", { runId: runId2, artifactPath: "m" });
      await ctx.blobs.put(contentKey(v.artifactSha256!), "altered");
      expect(await codeOf(registry.downloadArtifact(v))).toBe("ARTIFACT_CORRUPT");
      expect(await codeOf(async () => text(await registry.openArtifact(v)))).toBe("ARTIFACT_CORRUPT");
      await ctx.blobs.delete(contentKey(v.artifactSha256!));
      expect(await codeOf(registry.downloadArtifact(v))).toBe("ARTIFACT_NOT_FOUND");
      expect(await codeOf(registry.openArtifact(v))).toBe("ARTIFACT_NOT_FOUND");
    });
  });

  describe("lineage", () => {
    it("traces a version to its run, datasets and commit, and a dataset back to runs and versions", async () => {
      const train = await seedDataset(ctx, "churn-train", "sha256:aaa", "s3://data/churn/train.parquet");
      const valid = await seedDataset(ctx, "churn-valid", "sha256:bbb", "s3://data/churn/valid.parquet");
      const runA = await seedRun(ctx, {
        experiment: "lineage-exp",
        params: { lr: 0.1, optimizer: "sgd" },
        tags: { owner: "ml" },
        artifacts: { m: "lineage-a" },
        git: { commit: "0123abc", branch: "main", dirty: false },
      });
      const runB = await seedRun(ctx, { experiment: "lineage-exp", artifacts: { m: "lineage-b" } });
      await seedInput(ctx, runA, train, "training");
      await seedInput(ctx, runA, train, "calibration");
      await seedInput(ctx, runA, valid, "validation");
      await seedInput(ctx, runB, train, "training");
      const vA = await registry.createVersion("lineage", { runId: runA, artifactPath: "m" });
      const vB = await registry.createVersion("lineage", { runId: runB, artifactPath: "m" });
      await registry.createVersion("lineage-other", { runId: runA, artifactPath: "m" });

      const lineage = await registry.lineage(`models:/lineage/${vA.version}`);
      expect(lineage.version.version).toBe(vA.version);
      expect(lineage.run).toMatchObject({
        id: runA,
        experiment: "lineage-exp",
        status: "finished",
        params: { lr: 0.1, optimizer: "sgd" },
        tags: { owner: "ml" },
      });
      expect(lineage.code).toEqual({
        commit: "0123abc",
        git: { commit: "0123abc", branch: "main", dirty: false },
      });
      expect(lineage.datasets).toEqual([
        {
          id: train,
          name: "churn-train",
          digest: "sha256:aaa",
          sourceUri: "s3://data/churn/train.parquet",
          rowCount: 1000,
          contexts: ["calibration", "training"],
        },
        expect.objectContaining({ id: valid, contexts: ["validation"] }),
      ]);
      expect((await registry.lineage(`models:/lineage/${vB.version}`)).code).toEqual({
        commit: null,
        git: null,
      });

      const reverse = await registry.datasetLineage({ name: "churn-train", digest: "sha256:aaa" });
      expect(reverse.dataset).toMatchObject({ id: train, sourceUri: "s3://data/churn/train.parquet" });
      expect(reverse.runs.map((r) => [r.id, r.contexts])).toEqual([
        [runA, ["calibration", "training"]],
        [runB, ["training"]],
      ]);
      expect(reverse.versions.map((v) => `${v.model}/${v.version}`)).toEqual([
        `lineage/${vA.version}`,
        `lineage/${vB.version}`,
        "lineage-other/1",
      ]);
      const byId = await registry.datasetLineage(valid);
      expect(byId.versions.map((v) => v.model)).toEqual(["lineage", "lineage-other"]);
      expect(await codeOf(registry.datasetLineage({ name: "churn-train", digest: "sha256:zzz" }))).toBe(
        "DATASET_NOT_FOUND",
      );
      expect(await codeOf(registry.datasetLineage({ name: "x" } as never))).toBe("VALIDATION_FAILED");
    });
  });

  describe("prompts", () => {
    it("versions prompts like models, with aliases, promotion, resolution and rendering", async () => {
      const v1 = await registry.createPrompt("support-reply", {
        template: "Hello {{customer}}, thanks for writing about {{ topic }}.",
        variables: ["topic", "customer"],
        description: "polite",
      });
      expect(v1).toMatchObject({
        kind: "prompt",
        version: 1,
        runId: null,
        artifactSha256: null,
        content: {
          template: "Hello {{customer}}, thanks for writing about {{ topic }}.",
          variables: ["customer", "topic"],
        },
      });
      const v2 = await registry.createPrompt("prompts:/support-reply", { template: "Hi {{customer}}!" });
      expect(v2.version).toBe(2);
      await registry.setAlias("prompts:/support-reply", "staging", 2);
      await registry.promote("prompts:/support-reply", 1, { alias: "production", gate: [] });
      const production = await registry.resolve("prompts:/support-reply@production");
      expect(production).toMatchObject({ uri: "prompts:/support-reply/1", kind: "prompt" });
      expect(registry.renderPrompt(production, { customer: "Ada", topic: "billing" })).toBe(
        "Hello Ada, thanks for writing about billing.",
      );
      expect(await codeOf(() => registry.renderPrompt(production, { customer: "Ada" } as never))).toBe(
        "PROMPT_VARIABLES_INVALID",
      );
      expect(
        await codeOf(() =>
          registry.renderPrompt(production, { customer: "Ada", topic: "x", extra: "y" } as never),
        ),
      ).toBe("PROMPT_VARIABLES_INVALID");
      expect((await registry.resolve("prompts:/support-reply@latest")).version).toBe(2);
      expect((await registry.getAuditTrail("prompts:/support-reply")).map((e) => e.action)).toEqual([
        "set_alias",
        "promote",
      ]);
      expect((await registry.listModels({ kind: "prompt" })).map((m) => m.name)).toContain("support-reply");
      expect((await registry.listModels()).map((m) => m.name)).not.toContain("support-reply");
    });

    it("keeps models and prompts of the same name apart", async () => {
      const runId = await seedRun(ctx, { artifacts: { m: "same-name" } });
      await registry.createVersion("shared-name", { runId, artifactPath: "m" });
      await registry.createPrompt("shared-name", { template: "{{q}}" });
      await registry.createPrompt("shared-name", { template: "{{q}}?" });
      expect((await registry.resolve("models:/shared-name@latest")).version).toBe(1);
      expect((await registry.resolve("prompts:/shared-name@latest")).version).toBe(2);
      const model = await registry.resolve("models:/shared-name/1");
      expect(await codeOf(() => registry.renderPrompt(model, {}))).toBe("PROMPT_INVALID");
      expect(await codeOf(registry.downloadArtifact("prompts:/shared-name/1"))).toBe("ARTIFACT_NOT_FOUND");
    });

    it("rejects malformed templates and mismatched declarations", async () => {
      expect(await codeOf(registry.createPrompt("bad-prompt", { template: "Hi {{ first name }}" }))).toBe(
        "PROMPT_INVALID",
      );
      expect(
        await codeOf(
          registry.createPrompt("bad-prompt", { template: "Hi {{name}}", variables: ["name", "extra"] }),
        ),
      ).toBe("PROMPT_INVALID");
      expect(await codeOf(registry.getModel("prompts:/bad-prompt"))).toBe("MODEL_NOT_FOUND");
      expect(
        await codeOf(registry.createVersion("prompts:/bad-prompt", { runId: "x", artifactPath: "m" })),
      ).toBe("VALIDATION_FAILED");
    });
  });

  describe("bad inputs and tenancy", () => {
    it("gives each bad input its code", async () => {
      const runId = await seedRun(ctx, { artifacts: { m: "bad-inputs" } });
      expect(await codeOf(registry.createVersion("Bad Name", { runId, artifactPath: "m" }))).toBe(
        "MODEL_NAME_INVALID",
      );
      expect(await codeOf(registry.createVersion("churn/3", { runId, artifactPath: "m" }))).toBe(
        "MODEL_NAME_INVALID",
      );
      expect(await codeOf(registry.createVersion("ok", { runId: newId(), artifactPath: "m" }))).toBe(
        "RUN_NOT_FOUND",
      );
      expect(await codeOf(registry.createVersion("ok", { runId, artifactPath: "nope" }))).toBe(
        "ARTIFACT_NOT_FOUND",
      );
      expect(
        await codeOf(
          registry.createVersion("ok", {
            runId,
            artifactPath: "m",
            signature: { inputs: z.object({ at: z.date() }), outputs: {} },
          }),
        ),
      ).toBe("SIGNATURE_INVALID");
      expect(
        await codeOf(registry.createVersion("ok", { runId, artifactPath: "m", tags: { k: 1 } as never })),
      ).toBe("VALIDATION_FAILED");
      expect(await codeOf(registry.getModel("ok"))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(registry.getVersion("ok", 1))).toBe("VERSION_NOT_FOUND");
      expect(await codeOf(registry.listVersions("ok"))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(registry.getAuditTrail("ok"))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(registry.resolve("models:/ok/1"))).toBe("MODEL_NOT_FOUND");
    });

    it("keeps workspaces apart on a shared database", async () => {
      const other = await backend.open();
      await using otherRegistry = await openRegistry(other);
      const runId = await seedRun(ctx, { artifacts: { m: "tenant-a" } });
      await registry.createVersion("tenant-model", { runId, artifactPath: "m" });
      await registry.setAlias("tenant-model", "production", 1);
      expect(await codeOf(otherRegistry.resolve("models:/tenant-model@production"))).toBe("MODEL_NOT_FOUND");
      expect(await codeOf(otherRegistry.getModel("tenant-model"))).toBe("MODEL_NOT_FOUND");
      expect((await otherRegistry.listModels()).map((m) => m.name)).not.toContain("tenant-model");
      // Another tenant cannot register from this tenant's run, even knowing its id.
      expect(await codeOf(otherRegistry.createVersion("tenant-model", { runId, artifactPath: "m" }))).toBe(
        "RUN_NOT_FOUND",
      );
      const otherRun = await seedRun(other, { artifacts: { m: "tenant-b" } });
      expect(
        (await otherRegistry.createVersion("tenant-model", { runId: otherRun, artifactPath: "m" })).version,
      ).toBe(1);
      expect((await registry.resolve("models:/tenant-model@latest")).runId).toBe(runId);
    });

    it("refuses calls after close", async () => {
      const closing = await openRegistry(ctx);
      await closing.close();
      expect(await codeOf(closing.listModels())).toBe("RESOURCE_CLOSED");
      expect(await codeOf(closing.resolve("models:/churn/1"))).toBe("RESOURCE_CLOSED");
    });
  });
});
