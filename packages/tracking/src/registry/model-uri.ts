import { BallastError } from "@ballast/core";
import { ALIAS_NAME_PATTERN, assertModelName, MODEL_NAME_PATTERN } from "./names.js";

/** What a registry entry holds: a model (artifact from a run) or a prompt (template content). */
export type ModelKind = "model" | "prompt";

/** Which version of a registered name a URI selects. */
export type VersionSelector = { type: "version"; version: number } | { type: "alias"; alias: string };

/** A parsed `models:/churn/3`, `models:/churn@production` or `prompts:/support-reply@latest`. */
export interface ModelUri {
  kind: ModelKind;
  name: string;
  selector: VersionSelector;
}

/** A registered name without a version: `churn` (a model), `models:/churn` or `prompts:/support-reply`. */
export interface ModelRef {
  kind: ModelKind;
  name: string;
}

/** Largest version number: `registry_versions.version` is a PostgreSQL `integer`. */
export const MAX_VERSION = 2_147_483_647;

const SCHEMES: Record<string, ModelKind> = { models: "model", prompts: "prompt" };
const SCHEME_OF: Record<ModelKind, string> = { model: "models", prompt: "prompts" };
// Versions are written without leading zeros so every version has exactly one URI.
const VERSION = /^[1-9][0-9]{0,9}$/;

function invalid(uri: unknown, why: string): BallastError {
  return new BallastError("MODEL_URI_INVALID", `Invalid registry URI ${JSON.stringify(uri)}: ${why}.`, {
    hint: 'Write "models:/<name>/<version>", "models:/<name>@<alias>" or "prompts:/<name>@<alias>", e.g. "models:/churn@production".',
    details: { uri },
  });
}

function splitScheme(uri: string): { kind: ModelKind; rest: string } | undefined {
  const match = /^([a-z]+):\/(.*)$/s.exec(uri);
  if (!match) return undefined;
  const kind = SCHEMES[match[1]!];
  return kind === undefined ? undefined : { kind, rest: match[2]! };
}

/**
 * Parses a registry URI. The grammar is deliberately small and strict, so one version has one URI:
 *
 * ```
 * uri      = scheme ":/" name ( "/" version | "@" alias )
 * scheme   = "models" | "prompts"
 * name     = [a-z0-9][a-z0-9._-]{0,127}
 * version  = [1-9][0-9]*            (at most 2147483647)
 * alias    = [a-z][a-z0-9_-]{0,62}   ("latest" = the highest version)
 * ```
 *
 * @throws BallastError `MODEL_URI_INVALID` for anything else, with the reason in the message.
 * @example parseModelUri("models:/churn@production"); // { kind: "model", name: "churn", selector: { type: "alias", alias: "production" } }
 */
export function parseModelUri(uri: string): ModelUri {
  if (typeof uri !== "string") throw invalid(uri, "not a string");
  const split = splitScheme(uri);
  if (!split) throw invalid(uri, 'it must start with "models:/" or "prompts:/"');
  const at = split.rest.indexOf("@");
  const slash = split.rest.indexOf("/");
  if (at === -1 && slash === -1)
    throw invalid(uri, 'add a version ("/3") or an alias ("@production", "@latest")');
  const cut = at === -1 ? slash : slash === -1 ? at : Math.min(at, slash);
  const name = split.rest.slice(0, cut);
  const selector = split.rest.slice(cut + 1);
  if (!MODEL_NAME_PATTERN.test(name)) throw invalid(uri, `${JSON.stringify(name)} is not a valid name`);
  if (cut === at) {
    if (!ALIAS_NAME_PATTERN.test(selector))
      throw invalid(uri, `${JSON.stringify(selector)} is not a valid alias`);
    return { kind: split.kind, name, selector: { type: "alias", alias: selector } };
  }
  const version = VERSION.test(selector) ? Number(selector) : Number.NaN;
  if (!(version <= MAX_VERSION)) throw invalid(uri, `${JSON.stringify(selector)} is not a version number`);
  return { kind: split.kind, name, selector: { type: "version", version } };
}

/**
 * Writes the canonical URI of a version or alias; `parseModelUri(formatModelUri(x))` equals `x`.
 *
 * @example formatModelUri({ kind: "model", name: "churn", selector: { type: "version", version: 3 } }); // "models:/churn/3"
 */
export function formatModelUri(uri: ModelUri): string {
  const tail = uri.selector.type === "version" ? `/${uri.selector.version}` : `@${uri.selector.alias}`;
  return `${SCHEME_OF[uri.kind]}:/${uri.name}${tail}`;
}

/**
 * Parses the name argument of registry calls: a bare name means a model (`"churn"`) unless
 * `bareKind` says otherwise (`createPrompt` passes `"prompt"`), and `"models:/churn"` or
 * `"prompts:/support-reply"` name the kind explicitly, which is how the shared alias, promotion and
 * audit calls reach prompts.
 *
 * @throws BallastError `MODEL_NAME_INVALID` for a bad bare name; `MODEL_URI_INVALID` for a URI with a
 *   version or alias, or an unknown scheme.
 * @example parseModelRef("prompts:/support-reply"); // { kind: "prompt", name: "support-reply" }
 */
export function parseModelRef(ref: string, bareKind: ModelKind = "model"): ModelRef {
  if (typeof ref === "string" && ref.includes(":")) {
    const split = splitScheme(ref);
    if (!split) throw invalid(ref, 'a name reference is a bare name, "models:/<name>" or "prompts:/<name>"');
    if (!MODEL_NAME_PATTERN.test(split.rest)) {
      throw invalid(ref, `${JSON.stringify(split.rest)} is not a valid name (no version or alias here)`);
    }
    return { kind: split.kind, name: split.rest };
  }
  assertModelName(ref);
  return { kind: bareKind, name: ref };
}

/** `models:/churn` or `prompts:/support-reply`: how messages name a registered entry. */
export function formatModelRef(ref: ModelRef): string {
  return `${SCHEME_OF[ref.kind]}:/${ref.name}`;
}

/**
 * Checks a version number given by a caller.
 *
 * @throws BallastError `VALIDATION_FAILED` unless it is an integer from 1 to {@link MAX_VERSION}.
 */
export function assertVersionNumber(version: unknown): asserts version is number {
  if (Number.isInteger(version) && (version as number) >= 1 && (version as number) <= MAX_VERSION) return;
  throw new BallastError(
    "VALIDATION_FAILED",
    `A version is a positive integer, got ${JSON.stringify(version)}.`,
    {
      details: { version },
    },
  );
}
