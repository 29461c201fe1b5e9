import { FeatureError } from "../errors/feature-error.js";

/** A parsed `view:feature` (or `view@version:feature`) reference. */
export interface FeatureRef {
  /** The view or transform name. */
  view: string;
  /** An explicit version (`view@2:feature`); undefined means the latest registered version. */
  version: number | undefined;
  feature: string;
}

const REF = /^([A-Za-z][A-Za-z0-9_]*)(?:@([1-9][0-9]*))?:([A-Za-z][A-Za-z0-9_]*)$/;

/**
 * Parses a feature reference: `view:feature`, or `view@version:feature` to read an older version.
 * Transform outputs are referenced the same way: `transform:output`.
 *
 * @throws FeatureError `FEATURE_REF_INVALID` for anything else, showing the expected shape.
 * @example parseFeatureRef("driver_stats@2:conv_rate") // { view: "driver_stats", version: 2, feature: "conv_rate" }
 */
export function parseFeatureRef(reference: string): FeatureRef {
  const match = typeof reference === "string" ? REF.exec(reference) : null;
  if (!match) {
    throw new FeatureError("FEATURE_REF_INVALID", `Invalid feature reference ${JSON.stringify(reference)}.`, {
      hint: 'Write "view:feature" (for example "driver_stats:conv_rate"), or "view@2:feature" for a given version.',
      details: { reference },
    });
  }
  return {
    view: match[1]!,
    version: match[2] === undefined ? undefined : Number(match[2]),
    feature: match[3]!,
  };
}

/** Formats a reference back to text (`view:feature` or `view@version:feature`). */
export function formatFeatureRef(ref: FeatureRef): string {
  return `${ref.view}${ref.version === undefined ? "" : `@${ref.version}`}:${ref.feature}`;
}
