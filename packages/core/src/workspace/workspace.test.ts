import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { manualClock } from "../time/clock.js";
import { openWorkspace } from "./workspace.js";

const isolated = { env: {}, configFile: false } as const;

describe("openWorkspace", () => {
  it("resolves every backend from the configuration and opens each once, on first use", async () => {
    const root = mkdtempSync(join(tmpdir(), "ballast-ws-"));
    const clock = manualClock(1000);
    await using workspace = await openWorkspace({ root, workspace: "team-a" }, { ...isolated, clock });
    expect(workspace.name).toBe("team-a");
    expect(workspace.clock.now()).toBe(1000);
    expect(workspace.config.artifacts.path).toBe(join(root, "artifacts"));

    const [artifactsA, artifactsB] = await Promise.all([workspace.artifacts(), workspace.artifacts()]);
    expect(artifactsA).toBe(artifactsB);
    await artifactsA.put("hello.txt", "hi");
    expect(new TextDecoder().decode(await artifactsA.getBytes("hello.txt"))).toBe("hi");

    const stream = await workspace.stream();
    expect(stream).toBe(await workspace.stream());
    await stream.createTopic("t");
    expect((await stream.append("t", [{ value: "x" }]))[0]).toEqual({ partition: 0, offset: 0 });
  });

  it("fails at open on a bad configuration, before anything is opened", async () => {
    await expect(openWorkspace({ stream: "amqp://mq" as never }, isolated)).rejects.toSatisfy((error) =>
      BallastError.isInstance(error, "CONFIG_INVALID"),
    );
  });

  it("does not cache a failed open, and refuses use after close", async () => {
    const root = mkdtempSync(join(tmpdir(), "ballast-ws-"));
    const holder = await openWorkspace({ root }, isolated);
    await holder.metadata();
    // A second workspace on the same PGlite directory is refused while the first holds it...
    const workspace = await openWorkspace({ root }, isolated);
    await expect(workspace.metadata()).rejects.toSatisfy((error) =>
      BallastError.isInstance(error, "DATABASE_LOCKED"),
    );
    // ...and the failure is not cached: once the holder closes, the next call opens it.
    await holder.close();
    const db = await workspace.metadata();
    expect((await db.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);

    await workspace.close();
    await workspace.close();
    await expect(workspace.artifacts()).rejects.toSatisfy((error) =>
      BallastError.isInstance(error, "RESOURCE_CLOSED"),
    );
  });
});
