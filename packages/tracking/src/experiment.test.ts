import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BallastError, createLocalBlobStore, createPGliteDatabase } from "@ballast/core";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Run } from "./run/run.js";
import { createTracker, type Tracker } from "./tracker.js";

const Params = z.object({
  learningRate: z.number().positive(),
  optimizer: z.enum(["adam", "sgd"]),
  epochs: z.number().int().default(10),
});

let tracker: Tracker;

beforeAll(async () => {
  tracker = await createTracker(
    {
      metadata: await createPGliteDatabase(),
      artifacts: await createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-exp-"))),
      workspace: "unit",
    },
    { captureEnvironment: false },
  );
});

afterAll(async () => {
  await tracker.close();
  await tracker.context.db.close();
});

describe("typed experiments", () => {
  it("types runs by the params schema and the declared metric names", async () => {
    const experiment = await tracker.experiment("typed", { params: Params, metrics: ["loss", "accuracy"] });
    const run = await experiment.startRun({ params: { learningRate: 0.1, optimizer: "adam" } });
    expectTypeOf(run).toEqualTypeOf<Run<z.input<typeof Params>, "loss" | "accuracy">>();

    // Compile-time errors; each also fails at run time for untyped callers.
    await expect(
      // @ts-expect-error learningRate is a number
      run.logParams({ learningRate: "fast" }),
    ).rejects.toMatchObject({ code: "PARAM_INVALID" });
    await expect(
      // @ts-expect-error not a key of the schema
      run.logParams({ momentum: 0.9 }),
    ).rejects.toMatchObject({ code: "PARAM_INVALID" });
    // @ts-expect-error "f1" is not a declared metric
    expect(() => run.logMetric("f1", 0.5)).toThrow(expect.objectContaining({ code: "METRIC_UNKNOWN" }));
    // @ts-expect-error "f1" is not a declared metric
    expect(() => run.logMetrics({ loss: 0.1, f1: 0.5 })).toThrow(
      expect.objectContaining({ code: "METRIC_UNKNOWN" }),
    );
    // @ts-expect-error values are numbers
    expect(() => run.logMetric("loss", "0.5")).toThrow(expect.objectContaining({ code: "METRIC_INVALID" }));
    const badStart = () =>
      // @ts-expect-error startRun params must match the schema
      experiment.startRun({ params: { learningRate: -1, optimizer: "rmsprop" } });
    await expect(badStart()).rejects.toMatchObject({ code: "PARAM_INVALID" });

    run.logMetric("loss", 0.5, { step: 1 });
    run.logMetrics({ loss: 0.4, accuracy: 0.8 }, { step: 2 });
    await run.end();
    expect(run.status).toBe("finished");
  });

  it("reports schema issues as data", async () => {
    const experiment = await tracker.experiment("issues", { params: Params, metrics: ["loss"] });
    const run = await experiment.startRun();
    const error = await run.logParams({ learningRate: -3 }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "PARAM_INVALID")).toBe(true);
    expect((error as BallastError).details?.issues).toEqual([
      expect.objectContaining({ path: ["learningRate"] }),
    ]);
    await run.end("failed");
  });

  it("accepts any params and metric names without declarations", async () => {
    const experiment = await tracker.experiment("free");
    const run = await experiment.startRun();
    expectTypeOf(run.logMetric).parameter(0).toEqualTypeOf<string>();
    await run.logParams({ anything: [1, 2] });
    run.logMetric("whatever", 1);
    await run.end();
  });
});
