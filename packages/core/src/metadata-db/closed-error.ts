import { BallastError } from "../errors/ballast-error.js";

/** The `RESOURCE_CLOSED` error for a database used after `close()`. */
export function databaseClosedError(): BallastError {
  return new BallastError("RESOURCE_CLOSED", "The metadata database is closed.", {
    hint: "Open a new one with openMetadataDatabase(); do not use a database after close().",
  });
}

/** The `RESOURCE_CLOSED` error for a transaction handle used after its callback settled. */
export function transactionEndedError(): BallastError {
  return new BallastError("RESOURCE_CLOSED", "This transaction has already ended.", {
    hint: "Use the transaction handle only inside its callback, and await every statement before returning.",
  });
}
