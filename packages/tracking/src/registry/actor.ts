import { userInfo } from "node:os";

/** The environment variable that names the actor when no `actor` option is given (CI jobs set it). */
export const ACTOR_ENV = "BALLAST_ACTOR";

/**
 * Who the audit trail records for an alias move, first match wins: the call's `actor` option, the
 * registry's `actor` option, `BALLAST_ACTOR`, the OS user name, then `"unknown"`. The OS user can be
 * unavailable (a container user without a passwd entry makes `userInfo()` throw), and an audit row
 * must still be written, hence the last fallback.
 */
export function resolveActor(...explicit: (string | undefined)[]): string {
  for (const actor of explicit) if (actor !== undefined && actor.trim() !== "") return actor;
  const fromEnv = process.env[ACTOR_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv;
  try {
    const { username } = userInfo();
    if (username) return username;
  } catch {
    // No user database entry for this uid: fall through to the placeholder below.
  }
  return "unknown";
}
