import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { acquireLockFile, describeLockOwner, type LockOwner } from "./lock-file.js";

const root = mkdtempSync(join(tmpdir(), "ballast-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `lock-${count++}`);

// pid 2^22+1 is above Linux's pid_max default, so no live process has it.
const DEAD_PID = 4_194_305;
const held = (owner: LockOwner | undefined) =>
  new BallastError("TEST_LOCKED", `held by ${describeLockOwner(owner)}`, { details: { owner } });

describe("acquireLockFile", () => {
  it("writes this process as the owner and removes the file on release", async () => {
    const path = fresh();
    const lock = await acquireLockFile(path, { onHeld: held });
    const owner = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() });
    await lock.release();
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });

  it("refuses a second holder in the same process with the caller's error", async () => {
    const path = fresh();
    const lock = await acquireLockFile(path, { onHeld: held });
    const error = await acquireLockFile(path, { onHeld: held }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "TEST_LOCKED")).toBe(true);
    expect((error as Error).message).toBe("held by another open handle in this process");
    await lock.release();
    await (await acquireLockFile(path, { onHeld: held })).release();
  });

  it("takes over the lock of a dead process on this host, but never another host's", async () => {
    const dead = fresh();
    writeFileSync(dead, JSON.stringify({ pid: DEAD_PID, hostname: hostname(), acquiredAt: "then" }));
    const lock = await acquireLockFile(dead, { onHeld: held });
    expect(JSON.parse(readFileSync(dead, "utf8")).pid).toBe(process.pid);
    await lock.release();

    const remote = fresh();
    writeFileSync(
      remote,
      JSON.stringify({ pid: DEAD_PID, hostname: `not-${hostname()}`, acquiredAt: "then" }),
    );
    await expect(acquireLockFile(remote, { onHeld: held })).rejects.toThrow(
      `held by process ${DEAD_PID} on not-${hostname()} (since then)`,
    );
  });

  it("lets exactly one of several racing takeovers of a dead owner's lock win", async () => {
    for (let round = 0; round < 20; round++) {
      const path = fresh();
      writeFileSync(path, JSON.stringify({ pid: DEAD_PID, hostname: hostname(), acquiredAt: "then" }));
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => acquireLockFile(path, { onHeld: held })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const lost of results.filter((r) => r.status === "rejected")) {
        expect(BallastError.isInstance(lost.reason, "TEST_LOCKED")).toBe(true);
      }
      const owner = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
      expect(owner.pid).toBe(process.pid);
      await won[0]!.value.release();
    }
  });

  it("respects a fresh unreadable lock (its owner is still writing) and replaces an old one", async () => {
    const path = fresh();
    writeFileSync(path, "{");
    await expect(acquireLockFile(path, { onHeld: held })).rejects.toThrow("held by another process");
    const elevenSecondsAgo = (Date.now() - 11_000) / 1000;
    utimesSync(path, elevenSecondsAgo, elevenSecondsAgo);
    await (await acquireLockFile(path, { onHeld: held })).release();
  });

  it("does not remove a lock that another holder took after a takeover", async () => {
    const path = fresh();
    const first = await acquireLockFile(path, { onHeld: held });
    writeFileSync(path, JSON.stringify({ pid: process.pid, hostname: hostname(), acquiredAt: "later" }));
    await first.release();
    expect(JSON.parse(readFileSync(path, "utf8")).acquiredAt).toBe("later");
  });
});
