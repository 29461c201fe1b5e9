import { createHash } from "node:crypto";

/**
 * The checksum recorded with an applied migration: SHA-256 of its SQL with line endings normalised, so
 * a checkout that turned `\n` into `\r\n` (Git on Windows) is not mistaken for an edited migration.
 */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n?/g, "\n"), "utf8").digest("hex");
}
