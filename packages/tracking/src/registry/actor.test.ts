import { afterEach, describe, expect, it, vi } from "vitest";
import { ACTOR_ENV, resolveActor } from "./actor.js";

describe("resolveActor", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("prefers the first non-blank explicit actor, then BALLAST_ACTOR, then the OS user", () => {
    vi.stubEnv(ACTOR_ENV, "ci-bot");
    expect(resolveActor(undefined, " ", "alice", "bob")).toBe("alice");
    expect(resolveActor(undefined)).toBe("ci-bot");
    vi.stubEnv(ACTOR_ENV, "");
    expect(resolveActor()).not.toBe("");
  });
});
