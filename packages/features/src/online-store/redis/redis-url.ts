import { OnlineStoreError } from "../online-store-error.js";

/** Where to connect: a `redis://` / `rediss://` URL, or cluster seed nodes. */
export type RedisConnectTarget =
  | { url: string }
  | { clusterNodes: readonly string[]; username?: string; password?: string };

function invalidUrl(url: string, reason: string): OnlineStoreError {
  return new OnlineStoreError(
    "ONLINE_STORE_REQUEST_INVALID",
    `The Redis online store URL is invalid: ${reason}.`,
    {
      hint: "Use redis://host:port[/db], rediss://host:port or redis+cluster://host1:port1,host2:port2.",
      details: { url: url.replace(/\/\/[^@/]*@/, "//***@") },
    },
  );
}

/** Splits `host:port` seeds, checking each port. */
export function parseNodes(seeds: readonly string[], url: string): { host: string; port: number }[] {
  if (seeds.length === 0) throw invalidUrl(url, "no cluster nodes");
  return seeds.map((seed) => {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(seed.trim());
    const port = Number(match?.[2]);
    if (!match || !(port > 0 && port < 65536)) throw invalidUrl(url, `"${seed}" is not host:port`);
    return { host: match[1]!, port };
  });
}

/**
 * Turns a URL (or seed list) into a connect target: `redis+cluster://[user:password@]h1:p1,h2:p2`
 * becomes cluster seeds; `redis://` and `rediss://` stay URLs.
 */
export function parseRedisTarget(url: string): RedisConnectTarget {
  const match = /^([a-z+]+):\/\/(.*)$/i.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  if (scheme === "redis" || scheme === "rediss") return { url };
  if (scheme !== "redis+cluster") throw invalidUrl(url, `unknown scheme "${scheme ?? url}"`);
  let rest = match![2]!.replace(/\/.*$/, "");
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const credentials = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = credentials.indexOf(":");
    const user = decodeURIComponent(colon >= 0 ? credentials.slice(0, colon) : credentials);
    if (user) username = user;
    if (colon >= 0) password = decodeURIComponent(credentials.slice(colon + 1));
  }
  return {
    clusterNodes: rest.split(",").filter(Boolean),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}
