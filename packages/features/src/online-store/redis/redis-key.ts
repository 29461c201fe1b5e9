import { escapeKeyText } from "../entity-key.js";
import { OnlineStoreError } from "../online-store-error.js";

/** The default prefix of every key the Redis online store writes. */
export const DEFAULT_KEY_PREFIX = "ballast:fv:";

/** Checks a key prefix: braces would move the hash tag, so they are refused. */
export function checkKeyPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) {
    throw new OnlineStoreError(
      "ONLINE_STORE_REQUEST_INVALID",
      `The Redis key prefix ${JSON.stringify(prefix)} contains a brace.`,
      { hint: "Remove { and } from keyPrefix: the store puts the entity in the key's hash tag." },
    );
  }
  return prefix;
}

/**
 * The start of every key of a view: `<prefix><escaped view>:{`. The entity key follows, then `}`:
 * the entity is the hash tag, so in Redis Cluster all views of one entity share a slot, and entities
 * spread over all slots. The view is escaped to `[A-Za-z0-9_.%-]`, so no view's keys match another
 * view's pattern.
 */
export function viewKeyStart(prefix: string, view: string): string {
  return `${prefix}${escapeKeyText(view)}:{`;
}

/** The SCAN pattern matching every key of a view (glob characters of the prefix escaped). */
export function viewKeyPattern(prefix: string, view: string): string {
  return `${viewKeyStart(prefix, view).replace(/[*?[\]\\{]/g, "\\$&")}*`;
}
