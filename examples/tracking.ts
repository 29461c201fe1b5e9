/**
 * Experiment tracking and the model registry on the embedded defaults (no server): train a
 * logistic regression in plain TypeScript, log its params, per-epoch metrics, dataset and model
 * artifact, register it, promote it through a gate, and load it back by alias.
 *
 * Run: npx tsx examples/tracking.ts   (after npm run build)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWorkspace } from "@ballast/core";
import { createRegistry, createTracker } from "@ballast/tracking";
import { z } from "zod";

/** A seeded generator so the example prints the same numbers every time. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

interface Example {
  tenure: number;
  monthlySpend: number;
  churned: number;
}

/** Customers who churn have short tenure and high spend, with noise. */
function makeData(n: number, next: () => number): Example[] {
  return Array.from({ length: n }, () => {
    const churned = next() < 0.4 ? 1 : 0;
    const tenure = churned ? 6 + next() * 18 : 12 + next() * 48;
    const monthlySpend = churned ? 60 + next() * 60 : 30 + next() * 60;
    return { tenure, monthlySpend, churned };
  });
}

type Weights = [bias: number, tenure: number, spend: number];
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const features = (e: Example) => [1, e.tenure / 60, e.monthlySpend / 120] as const;
const predict = (w: Weights, e: Example) => sigmoid(features(e).reduce((s, x, i) => s + x * w[i]!, 0));

function evaluate(w: Weights, data: Example[]) {
  let loss = 0;
  let correct = 0;
  for (const e of data) {
    const p = Math.min(Math.max(predict(w, e), 1e-12), 1 - 1e-12);
    loss -= e.churned ? Math.log(p) : Math.log(1 - p);
    correct += (p >= 0.5 ? 1 : 0) === e.churned ? 1 : 0;
  }
  return { loss: loss / data.length, accuracy: correct / data.length };
}

const root = mkdtempSync(join(tmpdir(), "ballast-tracking-"));
try {
  await using workspace = await openWorkspace({ root }, { env: {}, configFile: false });
  await using tracker = await createTracker(workspace);
  await using registry = await createRegistry(workspace);

  const experiment = await tracker.experiment("churn", {
    params: z.object({
      learningRate: z.number().positive(),
      epochs: z.number().int().positive(),
      seed: z.number(),
    }),
    metrics: ["train_loss", "val_loss", "val_accuracy"] as const,
  });

  const next = random(7);
  const train = makeData(800, next);
  const validation = makeData(200, next);

  async function trainRun(learningRate: number, epochs: number) {
    const run = await experiment.startRun({
      params: { learningRate, epochs, seed: 7 },
      tags: { model: "logreg" },
    });
    await run.registerSeed("data", 7);
    await run.logDataset(train, { name: "churn-train", context: "training" });
    await run.logDataset(validation, { name: "churn-validation", context: "validation" });
    const w: Weights = [0, 0, 0];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const gradient = [0, 0, 0];
      for (const e of train) {
        const error = predict(w, e) - e.churned;
        features(e).forEach((x, i) => {
          gradient[i]! += (error * x) / train.length;
        });
      }
      w.forEach((_, i) => {
        w[i]! -= learningRate * gradient[i]!;
      });
      const val = evaluate(w, validation);
      run.logMetrics(
        { train_loss: evaluate(w, train).loss, val_loss: val.loss, val_accuracy: val.accuracy },
        { step: epoch },
      );
    }
    await run.logArtifact(
      { text: JSON.stringify({ kind: "logistic-regression", weights: w }) },
      { path: "model.json" },
    );
    await run.end();
    return { run, accuracy: evaluate(w, validation).accuracy };
  }

  // First model: registered and promoted to production if its accuracy clears the bar.
  const first = await trainRun(2, 300);
  console.log(`run ${first.run.name}: validation accuracy ${first.accuracy.toFixed(3)}`);
  const v1 = await registry.createVersion("churn", {
    runId: first.run.id,
    artifactPath: "model.json",
    signature: {
      inputs: z.object({ tenure: z.number(), monthlySpend: z.number() }),
      outputs: z.object({ churnProbability: z.number() }),
    },
  });
  const gate = [
    { metric: "val_accuracy", op: ">=", value: 0.8 },
    { metric: "val_accuracy", betterThanCurrent: "higher" },
  ] as const;
  const promoted = await registry.promote("churn", v1.version, {
    alias: "production",
    gate: [...gate],
    reason: "first model",
  });
  console.log(`version ${v1.version} promoted to production: ${promoted.promoted}`);

  // Second model: a barely trained one. The gate keeps it out of production.
  const second = await trainRun(0.05, 5);
  console.log(`run ${second.run.name}: validation accuracy ${second.accuracy.toFixed(3)}`);
  const v2 = await registry.createVersion("churn", { runId: second.run.id, artifactPath: "model.json" });
  const rejected = await registry.promote("churn", v2.version, {
    alias: "production",
    gate: [...gate],
    throwOnFailure: false,
  });
  for (const result of rejected.results)
    console.log(`  gate: ${result.passed ? "pass" : "FAIL"} ${result.message}`);

  // Serving side: resolve the alias, load the bytes, predict.
  const production = await registry.resolve("models:/churn@production");
  const model = JSON.parse(new TextDecoder().decode(await registry.downloadArtifact(production))) as {
    weights: Weights;
  };
  const customer = { tenure: 8, monthlySpend: 95, churned: 0 };
  console.log(
    `models:/churn@production is ${production.uri}; churn probability for a new, high-spend customer: ` +
      predict(model.weights, customer).toFixed(3),
  );

  const lineage = await registry.lineage(production);
  console.log(
    `lineage: run ${lineage.run?.name} (${lineage.run?.status}), datasets ${lineage.datasets
      .map((d) => `${d.name}@${d.digest.slice(0, 8)}`)
      .join(", ")}, commit ${lineage.code?.commit ?? "(not a git checkout)"}`,
  );

  const best = await tracker.searchRuns({
    experiment: "churn",
    filter: "metrics.val_accuracy > 0.5",
    orderBy: ["metrics.val_accuracy DESC"],
  });
  console.log(`search: ${best.runs.length} run(s) above 0.5 accuracy; best ${best.runs[0]?.name}`);
  if (production.version !== v1.version || rejected.promoted) throw new Error("the gate did not hold");
} finally {
  rmSync(root, { recursive: true, force: true });
}
