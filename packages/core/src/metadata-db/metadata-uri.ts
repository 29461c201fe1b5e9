import { BallastError } from "../errors/ballast-error.js";

/** A parsed metadata database URI. */
export type MetadataUri =
  | { kind: "pglite" /** Undefined for `pglite://memory`. */; dataDir: string | undefined }
  | { kind: "postgres"; url: string };

/**
 * Parses a metadata URI:
 *
 * - `pglite://memory` — in memory;
 * - `pglite://.ballast/db` — a directory relative to the working directory;
 * - `pglite:///var/lib/ballast/db` — an absolute directory;
 * - `postgres://user:pass@host:5432/db` or `postgresql://...` — a PostgreSQL server.
 *
 * @throws BallastError `URI_SCHEME_UNKNOWN` for another scheme; `CONFIG_INVALID` for `pglite://` without a path.
 * @example
 * parseMetadataUri("pglite://.ballast/db"); // { kind: "pglite", dataDir: ".ballast/db" }
 */
export function parseMetadataUri(uri: string): MetadataUri {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "pglite") {
    // Not parsed with URL: a relative path's first segment would be taken for a host name.
    const rest = decodeURIComponent(uri.slice("pglite://".length).replace(/[?#].*$/, ""));
    if (rest === "memory" || rest === "memory/") return { kind: "pglite", dataDir: undefined };
    if (rest.length === 0) {
      throw new BallastError("CONFIG_INVALID", `The metadata URI ${uri} names no directory.`, {
        hint: "Use pglite://.ballast/db for a directory, or pglite://memory for an in-memory database.",
        details: { uri },
      });
    }
    return { kind: "pglite", dataDir: rest };
  }
  if (scheme === "postgres" || scheme === "postgresql") return { kind: "postgres", url: uri };
  throw new BallastError("URI_SCHEME_UNKNOWN", `Unknown metadata database URI ${redact(uri)}.`, {
    hint: "Use pglite://<directory>, pglite://memory or postgres://user@host:5432/database.",
    details: { scheme: scheme ?? null },
  });
}

/** Hides a password before the URI goes into an error message. */
function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
}
