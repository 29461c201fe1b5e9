import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BallastError } from "../errors/ballast-error.js";

/** The backend kinds a workspace resolves from URIs (DESIGN.md section 3). */
export type BackendKind = "metadata" | "artifacts" | "stream" | "online";

/** Allowed URI schemes per backend kind; local ones name a path on this machine. */
export const BACKEND_SCHEMES = {
  metadata: { local: ["pglite"], remote: ["postgres", "postgresql"] },
  artifacts: { local: ["file"], remote: ["s3", "gs"] },
  stream: { local: ["log"], remote: ["kafka"] },
  online: { local: ["embedded"], remote: ["redis", "rediss", "redis+cluster"] },
} as const satisfies Record<BackendKind, { local: readonly string[]; remote: readonly string[] }>;

/** A backend URI split into its parts; local paths are made absolute. */
export interface BackendUri {
  kind: BackendKind;
  scheme: string;
  /** The URI as given, with a local path made absolute. */
  uri: string;
  /** Absolute path for local schemes (`pglite`, `file`, `log`, `embedded`); `"memory"` for `pglite://memory`. */
  path?: string;
}

/** Schemes allowed for a backend kind, in the order they are documented. */
export function allowedSchemes(kind: BackendKind): string[] {
  return [...BACKEND_SCHEMES[kind].local, ...BACKEND_SCHEMES[kind].remote];
}

/**
 * Parses a backend URI. Relative local paths (`pglite://.ballast/db`) resolve against `baseDir`;
 * `file:///abs/path` and `pglite:///abs/path` are absolute.
 *
 * @throws BallastError `URI_SCHEME_UNKNOWN` when the scheme is not one the kind supports.
 */
export function parseBackendUri(kind: BackendKind, uri: string, baseDir: string = process.cwd()): BackendUri {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri);
  const scheme = match?.[1]?.toLowerCase();
  const allowed = allowedSchemes(kind);
  if (!match || !scheme || !allowed.includes(scheme)) {
    throw new BallastError(
      "URI_SCHEME_UNKNOWN",
      `${JSON.stringify(uri)} is not a ${kind} URI Ballast can open.`,
      {
        hint: `Use one of: ${allowed.map((s) => `${s}://`).join(", ")}.`,
        details: { kind, uri, allowed },
      },
    );
  }
  if (!(BACKEND_SCHEMES[kind].local as readonly string[]).includes(scheme)) return { kind, scheme, uri };
  const rest = match[2] ?? "";
  if (scheme === "pglite" && rest === "memory") return { kind, scheme, uri, path: "memory" };
  const path = localPath(scheme, uri, rest, baseDir);
  return { kind, scheme, uri: `${scheme}://${path}`, path };
}

function localPath(scheme: string, uri: string, rest: string, baseDir: string): string {
  if (rest === "") {
    throw new BallastError("URI_SCHEME_UNKNOWN", `${JSON.stringify(uri)} names no path.`, {
      hint: `Write ${scheme}://<path>, for example ${scheme}://.ballast/${scheme}.`,
    });
  }
  // file:///abs is a real file URL; the other local schemes follow the same shape.
  const decoded = rest.startsWith("/") ? fileURLToPath(`file://${rest}`) : decodeURIComponent(rest);
  return isAbsolute(decoded) ? decoded : resolve(baseDir, decoded);
}
