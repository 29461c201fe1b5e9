import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openEventStream } from "./open-event-stream.js";

const root = mkdtempSync(join(tmpdir(), "ballast-open-stream-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("openEventStream", () => {
  it("opens log:// URIs as the embedded log", async () => {
    await using stream = await openEventStream(`log://${root}/streams`, { log: { fsync: "never" } });
    expect(stream.specificationVersion).toBe("v1");
    expect(stream.uri).toBe(`log://${root}/streams`);
    await stream.createTopic("t");
    expect((await stream.append("t", [{ value: "x" }]))[0]).toEqual({ partition: 0, offset: 0 });
  });

  it("rejects unknown schemes with URI_SCHEME_UNKNOWN", async () => {
    await expect(openEventStream("nats://localhost")).rejects.toMatchObject({ code: "URI_SCHEME_UNKNOWN" });
    await expect(openEventStream("log://")).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
