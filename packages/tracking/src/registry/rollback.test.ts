import { describe, expect, it } from "vitest";
import { rollbackTarget } from "./rollback.js";

const move = (action: "promote" | "set_alias" | "delete_alias" | "rollback", previous: number | null) => ({
  action,
  previous_version: previous,
});

describe("rollbackTarget", () => {
  it("returns the previous version of the latest move", () => {
    expect(rollbackTarget([move("promote", 2), move("promote", 1), move("set_alias", null)])).toBe(2);
  });

  it("walks back on repeated rollbacks instead of toggling", () => {
    // History oldest first: set 1, promote 2, promote 3, rollback (→2). Newest first below.
    expect(
      rollbackTarget([move("rollback", 3), move("promote", 2), move("promote", 1), move("set_alias", null)]),
    ).toBe(1);
  });

  it("has nothing to return to once every move is undone, or with no history", () => {
    expect(rollbackTarget([move("rollback", 2), move("promote", 1), move("set_alias", null)])).toBe(null);
    expect(rollbackTarget([])).toBe(null);
  });

  it("restores a deleted alias", () => {
    expect(rollbackTarget([move("delete_alias", 4), move("set_alias", null)])).toBe(4);
  });
});
