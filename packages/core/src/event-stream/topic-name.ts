import { BallastError } from "../errors/index.js";

// Kafka's rule for topic names; the embedded log uses it too, so a name valid on one backend is
// valid on the other (and is a safe directory name).
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Throws `STREAM_ERROR` unless `name` is a legal topic name (letters, digits, `.`, `_`, `-`). */
export function assertTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === "." || name === "..") {
    throw new BallastError("STREAM_ERROR", `Invalid topic name ${JSON.stringify(name)}.`, {
      hint: "Use 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-'.",
    });
  }
}
