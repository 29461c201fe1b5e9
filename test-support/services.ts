/**
 * One rule for every integration suite: a service named by a `BALLAST_TEST_*` variable is used when
 * set; when absent the suite is skipped with a printed reason, except under `CI=true`, where a missing
 * service is a failure.
 */
export type ServiceVariable =
  | "BALLAST_TEST_POSTGRES_URL"
  | "BALLAST_TEST_REDIS_URL"
  /** Redis Cluster seed nodes, `host:port,host:port`. */
  | "BALLAST_TEST_REDIS_CLUSTER_NODES"
  | "BALLAST_TEST_KAFKA_BROKERS"
  | "BALLAST_TEST_S3_ENDPOINT"
  | "BALLAST_TEST_GCS_ENDPOINT"
  /** A python with pinned SciPy: `bash scripts/ci/scipy-env.sh` prints it. */
  | "BALLAST_TEST_SCIPY_PYTHON"
  /** A Chromium binary for the report test (Debian: `chromium`). */
  | "BALLAST_TEST_CHROMIUM";

/** Returns the service's address, or undefined (after printing why) when the suite should skip. */
export function serviceUrl(variable: ServiceVariable, service: string): string | undefined {
  const value = process.env[variable];
  if (value) return value;
  if (process.env.CI === "true") {
    throw new Error(
      `${service} is required under CI=true but ${variable} is not set. Start it with: npm run services:up`,
    );
  }
  console.warn(`[skip] ${service} integration tests: ${variable} is not set (run: npm run services:up)`);
  return undefined;
}
