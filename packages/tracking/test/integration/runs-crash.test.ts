import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createLocalBlobStore, newId, openMetadataDatabase } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { createTracker } from "../../src/tracker.js";
import { openTrackingContext } from "../../src/tracking-context.js";

const script = fileURLToPath(new URL("./fixtures/crashing-run.ts", import.meta.url));
const postgresUrl = process.env.BALLAST_TEST_POSTGRES_URL;

interface CrashCase {
  name: string;
  /** Metadata URI and schema for the child; the parent opens the same database after the kill. */
  prepare(): Promise<{ uri: string; schema: string }>;
}

const cases: CrashCase[] = [
  {
    name: "pglite directory",
    prepare: async () => ({
      uri: `pglite://${join(mkdtempSync(join(tmpdir(), "ballast-crash-db-")), "db")}`,
      schema: "-",
    }),
  },
];
if (postgresUrl) {
  cases.push({
    name: "postgres",
    prepare: async () => {
      const schema = `tracking_crash_${newId().replaceAll("-", "").slice(-12)}`;
      const admin = await openMetadataDatabase(postgresUrl);
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.close();
      return { uri: postgresUrl, schema };
    },
  });
}

/** Starts the child and resolves with its run id once it printed "ready". */
function startChild(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /^ready (\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before ready:\n${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, ready, exited };
}

describe.each(cases)("a process killed mid-run ($name)", (crash) => {
  it("is marked failed with an end time by the next createTracker", async () => {
    const { uri, schema } = await crash.prepare();
    const workspace = `crash-${newId().replaceAll("-", "").slice(-8)}`;
    const { child, ready, exited } = startChild([uri, schema, workspace]);
    const runId = await ready;
    child.kill("SIGKILL");
    await exited;

    const metadata = await openMetadataDatabase(uri, schema === "-" ? {} : { schema });
    const ctx = await openTrackingContext({
      metadata,
      artifacts: await createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-crash-a-"))),
      workspace,
    });
    const tracker = await createTracker(ctx, { captureEnvironment: false });
    expect(tracker.recoveredRuns).toEqual([
      { runId, status: "failed", reason: expect.stringMatching(/exited without ending/) },
    ]);
    const { rows } = await metadata.query<{ status: string; end_time: Date | null; points: number }>(
      `SELECT status, end_time, (SELECT count(*)::int FROM tracking_metrics m WHERE m.workspace_id = r.workspace_id AND m.run_id = r.id) AS points
       FROM tracking_runs r WHERE workspace_id = $1 AND id = $2`,
      [workspace, runId],
    );
    expect(rows[0]!.status).toBe("failed");
    expect(rows[0]!.end_time).toBeInstanceOf(Date);
    // The child awaited flush() before "ready", so its points survived the kill.
    expect(rows[0]!.points).toBe(100);
    await tracker.close();
    if (schema !== "-") await metadata.query(`DROP SCHEMA ${schema} CASCADE`);
    await metadata.close();
  });
});
