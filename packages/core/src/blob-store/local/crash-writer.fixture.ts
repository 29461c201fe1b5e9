/**
 * Child process for the crash test in `local-blob-store.test.ts`: starts writing an endless object
 * and prints "writing" once bytes are on disk, so the parent can SIGKILL it mid-write.
 * Usage: node --import tsx crash-writer.fixture.ts <root> <key>
 */
import { createLocalBlobStore } from "./local-blob-store.js";

const [root, key] = process.argv.slice(2);
if (!root || !key) throw new Error("usage: crash-writer.fixture.ts <root> <key>");
const store = await createLocalBlobStore(root);

async function* endless(): AsyncGenerator<Uint8Array> {
  for (let i = 0; ; i++) {
    yield new Uint8Array(256 * 1024).fill(i % 256);
    if (i === 8) process.stdout.write("writing\n");
  }
}

await store.put(key, endless());
