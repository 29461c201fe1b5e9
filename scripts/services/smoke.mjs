// Smoke test for the services started by up.sh: one real round trip per service, using the
// clients in the repo's node_modules. Reads .services/test.env.
//   node scripts/services/smoke.mjs            # quick checks
//   node scripts/services/smoke.mjs --big      # also stream 200 MB through S3 and GCS
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "package.json"));
const env = Object.fromEntries(
  readFileSync(join(root, ".services", "test.env"), "utf8")
    .split("\n")
    .filter((l) => l.includes("="))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const big = process.argv.includes("--big");
const BIG_MB = 200;
const run = `${process.pid}-${Date.now()}`;

async function timed(name, fn) {
  const t = Date.now();
  await fn();
  console.log(`ok  ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
}

// BIG_MB MiB of non-repeating bytes, produced lazily so memory stays flat; returns stream + digest.
function bigStream() {
  const hash = createHash("sha256");
  let i = 0;
  const stream = new Readable({
    read() {
      if (i === BIG_MB) return this.push(null);
      const chunk = createHash("sha512").update(`chunk-${i++}`).digest();
      const buf = Buffer.alloc(1 << 20);
      for (let o = 0; o < buf.length; o += chunk.length) chunk.copy(buf, o);
      buf.writeUInt32BE(i, 0);
      hash.update(buf);
      this.push(buf);
    },
  });
  return { stream, digest: () => hash.digest("hex") };
}

async function digestOf(readable) {
  const hash = createHash("sha256");
  let n = 0;
  await pipeline(
    readable,
    new Writable({
      write(c, _e, cb) {
        n += c.length;
        hash.update(c);
        cb();
      },
    }),
  );
  return { hex: hash.digest("hex"), bytes: n };
}

await timed("postgres", async () => {
  const { Client } = require("pg");
  const c = new Client({ connectionString: env.BALLAST_TEST_POSTGRES_URL });
  await c.connect();
  const r = await c.query("select current_database() as db, version() as v");
  await c.end();
  if (r.rows[0].db !== "ballast_test") throw new Error(`wrong db ${r.rows[0].db}`);
});

await timed("redis (+cluster)", async () => {
  const port = new URL(env.BALLAST_TEST_REDIS_URL).port;
  const pong = execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", port, "ping"]).toString().trim();
  if (pong !== "PONG") throw new Error(pong);
  if (env.BALLAST_TEST_REDIS_CLUSTER_NODES) {
    const [h, p] = env.BALLAST_TEST_REDIS_CLUSTER_NODES.split(",")[0].split(":");
    const cli = (...a) =>
      execFileSync("redis-cli", ["-c", "-h", h, "-p", p, ...a])
        .toString()
        .trim();
    for (const k of ["a", "b", "c", "d"]) cli("set", `smoke:${k}`, k);
    if (cli("get", "smoke:c") !== "c") throw new Error("cluster get");
  }
});

await timed("kafka produce/consume", async () => {
  const { Kafka, logLevel } = require("kafkajs");
  const kafka = new Kafka({
    brokers: env.BALLAST_TEST_KAFKA_BROKERS.split(","),
    logLevel: logLevel.NOTHING,
  });
  const topic = `smoke-${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: "k", value: "hello" }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("no message in 30s")), 30000);
    consumer.run({
      eachMessage: async ({ message }) => {
        clearTimeout(t);
        resolve(message.value.toString());
      },
    });
  });
  await consumer.disconnect();
  if (got !== "hello") throw new Error(got);
});

await timed("s3 put/get", async () => {
  const s3 = require("@aws-sdk/client-s3");
  const client = new s3.S3Client({
    endpoint: env.BALLAST_TEST_S3_ENDPOINT,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const Bucket = `smoke-${run}`;
  await client.send(new s3.CreateBucketCommand({ Bucket }));
  await client.send(new s3.PutObjectCommand({ Bucket, Key: "a.txt", Body: "hi" }));
  const r = await client.send(new s3.GetObjectCommand({ Bucket, Key: "a.txt" }));
  if ((await r.Body.transformToString()) !== "hi") throw new Error("s3 body");
  if (!big) return;
  const { Upload } = require("@aws-sdk/lib-storage");
  const src = bigStream();
  await new Upload({
    client,
    params: { Bucket, Key: "big.bin", Body: src.stream },
    partSize: 16 << 20,
  }).done();
  const back = await digestOf((await client.send(new s3.GetObjectCommand({ Bucket, Key: "big.bin" }))).Body);
  if (back.hex !== src.digest() || back.bytes !== BIG_MB << 20)
    throw new Error(`s3 big mismatch ${back.bytes}`);
  // The servers are shared with other developers' test runs: do not leave 200 MB behind.
  await client.send(new s3.DeleteObjectCommand({ Bucket, Key: "big.bin" }));
  console.log(`    s3: ${BIG_MB} MiB multipart upload + download verified`);
});

await timed("gcs put/get", async () => {
  const { Storage } = require("@google-cloud/storage");
  const storage = new Storage({ apiEndpoint: env.BALLAST_TEST_GCS_ENDPOINT, projectId: "ballast-test" });
  const [bucket] = await storage.createBucket(`smoke-${run}`);
  await bucket.file("a.txt").save("hi", { resumable: false });
  const [buf] = await bucket.file("a.txt").download();
  if (buf.toString() !== "hi") throw new Error("gcs body");
  if (!big) return;
  const src = bigStream();
  await pipeline(src.stream, bucket.file("big.bin").createWriteStream({ resumable: true }));
  const back = await digestOf(bucket.file("big.bin").createReadStream());
  if (back.hex !== src.digest() || back.bytes !== BIG_MB << 20)
    throw new Error(`gcs big mismatch ${back.bytes}`);
  await bucket.file("big.bin").delete();
  console.log(`    gcs: ${BIG_MB} MiB resumable upload + download verified`);
});
