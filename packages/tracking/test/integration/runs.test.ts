import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { BallastError, manualClock } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTracker } from "../../src/tracker.js";
import { openTrackingContext } from "../../src/tracking-context.js";
import { trackingBackends } from "../backends.js";

const Params = z.object({
  learningRate: z.number().positive(),
  optimizer: z.enum(["adam", "sgd"]),
  layers: z.array(z.number().int()).default([64, 32]),
});

describe.each(trackingBackends())("runs on $name", (backend) => {
  async function open(options: Parameters<typeof createTracker>[1] = { captureEnvironment: false }) {
    const ctx = await backend.open();
    return { ctx, tracker: await createTracker(ctx, options) };
  }

  it("moves running → finished with an end time; end is idempotent, a second status conflicts", async () => {
    const { ctx, tracker } = await open();
    const experiment = await tracker.experiment("lifecycle", { params: Params, metrics: ["loss"] });
    const run = await experiment.startRun({ name: "first" });
    expect(run.status).toBe("running");
    let row = await ctx.db.query<{ status: string; end_time: Date | null; name: string }>(
      "SELECT status, end_time, name FROM tracking_runs WHERE workspace_id = $1 AND id = $2",
      [ctx.workspaceId, run.id],
    );
    expect(row.rows[0]).toEqual({ status: "running", end_time: null, name: "first" });
    await run.end();
    await run.end("finished");
    await expect(run.end("failed")).rejects.toMatchObject({ code: "RUN_STATUS_CONFLICT" });
    row = await ctx.db.query(
      "SELECT status, end_time, name FROM tracking_runs WHERE workspace_id = $1 AND id = $2",
      [ctx.workspaceId, run.id],
    );
    expect(row.rows[0]!.status).toBe("finished");
    expect(row.rows[0]!.end_time).toBeInstanceOf(Date);
    expect(run.endTime?.getTime()).toBe(row.rows[0]!.end_time!.getTime());

    expect(() => run.logMetric("loss", 1)).toThrow(expect.objectContaining({ code: "RUN_ENDED" }));
    await expect(run.logParams({ learningRate: 1 })).rejects.toMatchObject({ code: "RUN_ENDED" });
    await expect(run.setTag("a", "b")).rejects.toMatchObject({ code: "RUN_ENDED" });
    await expect(run.setNotes("late")).rejects.toMatchObject({ code: "RUN_ENDED" });

    const failed = await experiment.startRun();
    await failed.end("failed");
    const killed = await experiment.startRun();
    await killed.end("killed");
    const reopened = await tracker.getRun(killed.id);
    expect(reopened.status).toBe("killed");
    await expect(reopened.end("finished")).rejects.toMatchObject({ code: "RUN_STATUS_CONFLICT" });
    await tracker.close();
  });

  it("reuses the experiment row by name and stores the params' JSON schema and metric names", async () => {
    const { ctx, tracker } = await open();
    const a = await tracker.experiment("reuse", { params: Params, metrics: ["loss"], description: "d" });
    const b = await tracker.experiment("reuse", { params: Params, metrics: ["loss", "accuracy"] });
    expect(b.id).toBe(a.id);
    const { rows } = await ctx.db.query<{
      params_schema: { properties: Record<string, unknown> };
      metric_names: string[];
      description: string;
    }>("SELECT params_schema, metric_names, description FROM tracking_experiments WHERE workspace_id = $1", [
      ctx.workspaceId,
    ]);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!.params_schema.properties).sort()).toEqual([
      "layers",
      "learningRate",
      "optimizer",
    ]);
    expect(rows[0]!.metric_names).toEqual(["loss", "accuracy"]);
    expect(rows[0]!.description).toBe("d");
    await tracker.close();
  });

  it("nests runs under a parent", async () => {
    const { ctx, tracker } = await open();
    const experiment = await tracker.experiment("sweep", { metrics: ["loss"] });
    const parent = await experiment.startRun({ name: "sweep" });
    const children = await Promise.all(
      [1, 2].map((i) => experiment.startRun({ name: `trial-${i}`, parent })),
    );
    const { rows } = await ctx.db.query<{ name: string }>(
      "SELECT name FROM tracking_runs WHERE workspace_id = $1 AND parent_run_id = $2 ORDER BY name",
      [ctx.workspaceId, parent.id],
    );
    expect(rows.map((r) => r.name)).toEqual(["trial-1", "trial-2"]);
    expect(children[0]!.parentRunId).toBe(parent.id);
    const foreign = await (await backend.open()).workspaceId;
    await expect(
      experiment.startRun({ parent: { id: parent.id, workspaceId: foreign } }),
    ).rejects.toMatchObject({
      code: "RUN_PARENT_INVALID",
    });
    await Promise.all([...children, parent].map((run) => run.end()));
    await tracker.close();
  });

  it("overwrites tags and notes", async () => {
    const { ctx, tracker } = await open();
    const run = await (await tracker.experiment("tags")).startRun({ tags: { team: "ml", stage: "dev" } });
    await run.setTag("stage", "prod");
    await run.setTags({ owner: "ana", team: "core" });
    await run.setNotes("first");
    await run.setNotes("second");
    const tags = await ctx.db.query<{ key: string; value: string }>(
      "SELECT key, value FROM tracking_tags WHERE workspace_id = $1 AND run_id = $2 ORDER BY key",
      [ctx.workspaceId, run.id],
    );
    expect(Object.fromEntries(tags.rows.map((r) => [r.key, r.value]))).toEqual({
      owner: "ana",
      stage: "prod",
      team: "core",
    });
    const notes = await ctx.db.query<{ notes: string }>(
      "SELECT notes FROM tracking_runs WHERE workspace_id = $1 AND id = $2",
      [ctx.workspaceId, run.id],
    );
    expect(notes.rows[0]!.notes).toBe("second");
    await expect(run.setTags({ bad: 3 as unknown as string })).rejects.toMatchObject({ code: "TAG_INVALID" });
    await run.end();
    await tracker.close();
  });

  it("keeps params immutable: same value is a no-op, another value conflicts, schema failures store nothing", async () => {
    const { ctx, tracker } = await open();
    const experiment = await tracker.experiment("params", { params: Params, metrics: ["loss"] });
    const run = await experiment.startRun({ params: { learningRate: 0.01, optimizer: "adam" } });
    const read = async () => {
      const { rows } = await ctx.db.query<{
        key: string;
        value: unknown;
        value_text: string | null;
        value_number: number | null;
      }>(
        "SELECT key, value, value_text, value_number FROM tracking_params WHERE workspace_id = $1 AND run_id = $2 ORDER BY key",
        [ctx.workspaceId, run.id],
      );
      return rows;
    };
    expect(await read()).toEqual([
      { key: "layers", value: [64, 32], value_text: "[64, 32]", value_number: null },
      { key: "learningRate", value: 0.01, value_text: "0.01", value_number: 0.01 },
      { key: "optimizer", value: "adam", value_text: "adam", value_number: null },
    ]);
    await run.logParams({ learningRate: 0.01, layers: [64, 32] });
    const conflict = await run.logParams({ optimizer: "sgd" }).catch((e: unknown) => e);
    expect(BallastError.isInstance(conflict, "PARAM_CONFLICT")).toBe(true);
    expect((conflict as BallastError).details?.conflicts).toEqual([
      { key: "optimizer", existing: "adam", given: "sgd" },
    ]);

    const fresh = await experiment.startRun();
    // One bad key fails the whole call: the valid key is not stored either.
    await expect(
      fresh.logParams({ learningRate: 0.1, optimizer: "rmsprop" as "adam" }),
    ).rejects.toMatchObject({
      code: "PARAM_INVALID",
    });
    // A conflicting key rolls back the new keys of the same call.
    await fresh.logParams({ learningRate: 0.1 });
    await expect(fresh.logParams({ learningRate: 0.2, optimizer: "sgd" })).rejects.toMatchObject({
      code: "PARAM_CONFLICT",
    });
    const { rows } = await ctx.db.query<{ key: string }>(
      "SELECT key FROM tracking_params WHERE workspace_id = $1 AND run_id = $2",
      [ctx.workspaceId, fresh.id],
    );
    expect(rows.map((r) => r.key)).toEqual(["learningRate"]);
    await run.end();
    await fresh.end();
    await tracker.close();
  });

  it("refuses undeclared metric names from untyped callers", async () => {
    const { tracker } = await open();
    const run = await (await tracker.experiment("unknown", { metrics: ["loss"] })).startRun();
    const untyped = run as unknown as { logMetric(name: string, value: number): void };
    expect(() => untyped.logMetric("f1", 1)).toThrow(expect.objectContaining({ code: "METRIC_UNKNOWN" }));
    const reopened = await tracker.getRun(run.id);
    expect(() => reopened.logMetric("f1", 1)).toThrow(expect.objectContaining({ code: "METRIC_UNKNOWN" }));
    await run.end();
    await tracker.close();
  });

  it("captures the environment and registered seeds", async () => {
    const { ctx, tracker } = await open({});
    const run = await (await tracker.experiment("env")).startRun({ seeds: { numpy: 7, big: 2n ** 70n } });
    await run.registerSeed("shuffle", 42);
    const { rows } = await ctx.db.query<{ environment: Record<string, unknown>; commit: string | null }>(
      "SELECT environment, environment->'git'->>'commit' AS commit FROM tracking_runs WHERE workspace_id = $1 AND id = $2",
      [ctx.workspaceId, run.id],
    );
    const env = rows[0]!.environment as {
      git: { commit: string; branch: string | null; dirty: boolean; diffSha256: string | null } | null;
      node: string;
      os: { platform: string };
      cpu: { cores: number };
      memoryBytes: number;
      gpus: unknown[];
      packages: Record<string, string>;
      seeds: Record<string, unknown>;
      argv: string[];
    };
    const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
    expect(env.git?.commit).toBe(head || null);
    expect(rows[0]!.commit).toBe(head || null);
    expect(env.node).toBe(process.version);
    expect(env.os.platform).toBe(process.platform);
    expect(env.cpu.cores).toBeGreaterThan(0);
    expect(env.memoryBytes).toBeGreaterThan(0);
    expect(Array.isArray(env.gpus)).toBe(true);
    expect(env.packages.vitest).toMatch(/^4\.1\./);
    expect(env.seeds).toEqual({ numpy: 7, big: (2n ** 70n).toString(), shuffle: 42 });
    expect(env.argv).toEqual(process.argv);
    await run.end();
    await tracker.close();
  });

  it("marks runs of dead local processes failed and silent remote runs killed, with a reason tag", async () => {
    const ctx = await backend.open();
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const timed = { ...ctx, clock };
    const setup = await createTracker(timed, { captureEnvironment: false });
    const experiment = await setup.experiment("stale");
    const dead = await experiment.startRun({ name: "dead-local" });
    const remote = await experiment.startRun({ name: "remote" });
    const freshRemote = await experiment.startRun({ name: "fresh-remote" });
    const mine = await experiment.startRun({ name: "mine" });
    const exited = spawnSync(process.execPath, ["-e", "process.exit(0)"]);
    const set = (id: string, host: string, pid: number, heartbeat: number) =>
      ctx.db.query(
        "UPDATE tracking_runs SET owner_host = $3, owner_pid = $4, heartbeat_at = $5 WHERE workspace_id = $1 AND id = $2",
        [ctx.workspaceId, id, host, pid, new Date(heartbeat)],
      );
    await set(dead.id, hostname(), exited.pid!, clock.now());
    await set(remote.id, "elsewhere.example", 4242, clock.now() - 10 * 60_000);
    await set(freshRemote.id, "elsewhere.example", 4243, clock.now() - 30_000);
    await setup.close();

    const tracker = await createTracker(timed, { captureEnvironment: false, heartbeatInterval: "30s" });
    expect(new Map(tracker.recoveredRuns.map((r) => [r.runId, r.status]))).toEqual(
      new Map([
        [dead.id, "failed"],
        [remote.id, "killed"],
      ]),
    );
    const { rows } = await ctx.db.query<{
      name: string;
      status: string;
      end_time: Date | null;
      reason: string | null;
    }>(
      `SELECT r.name, r.status, r.end_time, t.value AS reason FROM tracking_runs r
       LEFT JOIN tracking_tags t ON t.workspace_id = r.workspace_id AND t.run_id = r.id AND t.key = 'ballast.recovered'
       WHERE r.workspace_id = $1 ORDER BY r.name`,
      [ctx.workspaceId],
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName["dead-local"]).toMatchObject({ status: "failed", end_time: new Date(clock.now()) });
    expect(byName["dead-local"]!.reason).toMatch(/exited without ending/);
    expect(byName.remote).toMatchObject({ status: "killed", end_time: new Date(clock.now()) });
    expect(byName.remote!.reason).toMatch(/no heartbeat/);
    expect(byName["fresh-remote"]).toMatchObject({ status: "running", reason: null });
    expect(byName.mine).toMatchObject({ status: "running", reason: null });
    // The run object learns of the recovery when it tries to end.
    await expect(dead.end()).rejects.toMatchObject({ code: "RUN_STATUS_CONFLICT" });
    await mine.end();
    await tracker.close();
  });

  it("keeps workspaces apart on one database", async () => {
    const db = await backend.database();
    const first = await backend.open();
    const second = await backend.open();
    expect(first.db).toBe(db);
    const a = await createTracker(first, { captureEnvironment: false });
    const b = await createTracker(second, { captureEnvironment: false });
    const runA = await (await a.experiment("shared-name", { metrics: ["loss"] })).startRun();
    const expB = await b.experiment("shared-name", { metrics: ["loss"] });
    const runB = await expB.startRun();
    runA.logMetric("loss", 1);
    await runA.end();
    await expect(b.getRun(runA.id)).rejects.toMatchObject({ code: "RUN_NOT_FOUND" });
    await expect(expB.getRun(runA.id)).rejects.toMatchObject({ code: "RUN_NOT_FOUND" });
    const counts = await db.query<{ workspace_id: string; n: number }>(
      "SELECT workspace_id, count(*)::int AS n FROM tracking_runs WHERE workspace_id = ANY($1::text[]) GROUP BY 1 ORDER BY 1",
      [[first.workspaceId, second.workspaceId].sort()],
    );
    expect(counts.rows.map((r) => r.n)).toEqual([1, 1]);
    const metricsB = await db.query("SELECT 1 FROM tracking_metrics WHERE workspace_id = $1", [
      second.workspaceId,
    ]);
    expect(metricsB.rows).toHaveLength(0);
    await runB.end();
    await a.close();
    await b.close();
  });

  it("accepts a workspace-less backends object", async () => {
    const ctx = await backend.open();
    const again = await openTrackingContext({
      metadata: ctx.db,
      artifacts: ctx.blobs,
      workspace: ctx.workspaceId,
    });
    await using tracker = await createTracker(again, { captureEnvironment: false });
    const run = await (await tracker.experiment("plain")).startRun();
    await run.end();
    expect((await tracker.getRun(run.id)).status).toBe("finished");
  });
});
