import { BallastError } from "@ballast/core";
import { OnlineStoreError } from "./online-store-error.js";
import type { OnlineValue, OnlineViewRef, OnlineWriteRequest } from "./types.js";
import { normalizeValue } from "./value-codec.js";

/** A record of a write request, checked and with normalized values. */
export interface PreparedRecord {
  entityKey: string;
  eventTime: number;
  createdTime: number | undefined;
  values: OnlineValue[];
}

/** Prefix of the names stores use for their own fields (event and created time). */
export const RESERVED_FIELD_PREFIX = "@";

function requestInvalid(message: string, hint: string, details?: Record<string, unknown>): OnlineStoreError {
  return new OnlineStoreError("ONLINE_STORE_REQUEST_INVALID", message, {
    hint,
    ...(details ? { details } : {}),
  });
}

/**
 * Checks the view and feature list of a request: a non-empty view name, unique non-empty feature
 * names that do not start with the reserved `@`.
 */
export function checkViewRef(ref: OnlineViewRef): void {
  if (typeof ref.view !== "string" || ref.view === "") {
    throw requestInvalid("An online store request names no view.", "Set `view` to the view's storage name.");
  }
  const seen = new Set<string>();
  for (const feature of ref.features) {
    if (
      typeof feature.name !== "string" ||
      feature.name === "" ||
      feature.name.startsWith(RESERVED_FIELD_PREFIX)
    ) {
      throw requestInvalid(
        `Feature name ${JSON.stringify(feature.name)} of view "${ref.view}" is empty or starts with "${RESERVED_FIELD_PREFIX}".`,
        `Rename the feature: names starting with "${RESERVED_FIELD_PREFIX}" are reserved for the store.`,
        { view: ref.view, feature: feature.name },
      );
    }
    if (seen.has(feature.name)) {
      throw requestInvalid(
        `Feature "${feature.name}" appears twice in one request for view "${ref.view}".`,
        "List each feature once.",
        { view: ref.view, feature: feature.name },
      );
    }
    seen.add(feature.name);
  }
}

/**
 * Validates a whole write request before anything is written, so a bad record never leaves a batch
 * half-written, and returns its records with normalized values.
 *
 * @throws OnlineStoreError `ONLINE_STORE_REQUEST_INVALID` (bad view, feature names, expiry, times,
 *   value count) or `ONLINE_STORE_VALUE_INVALID` (a value of the wrong type), naming the record index.
 */
export function prepareWrite(request: OnlineWriteRequest): PreparedRecord[] {
  checkViewRef(request);
  const expire = request.expireAfterMs;
  if (expire !== undefined && !(Number.isInteger(expire) && expire > 0)) {
    throw requestInvalid(
      `expireAfterMs must be a positive integer of milliseconds, got ${expire}.`,
      "Pass a positive whole number of milliseconds, or leave expireAfterMs undefined for no expiry.",
      { view: request.view },
    );
  }
  const { features, records } = request;
  const prepared: PreparedRecord[] = new Array(records.length);
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const where = `Record ${index} of the write to view "${request.view}"`;
    if (typeof record.entityKey !== "string") {
      throw requestInvalid(
        `${where} has no entityKey string.`,
        "Build entity keys with serializeEntityKey.",
        {
          index,
        },
      );
    }
    if (!Number.isFinite(record.eventTime)) {
      throw requestInvalid(
        `${where} has eventTime ${record.eventTime}.`,
        "Give eventTime as epoch milliseconds.",
        {
          index,
        },
      );
    }
    if (record.createdTime !== undefined && !Number.isFinite(record.createdTime)) {
      throw requestInvalid(
        `${where} has createdTime ${record.createdTime}.`,
        "Give createdTime as epoch milliseconds or leave it undefined.",
        { index },
      );
    }
    if (record.values.length !== features.length) {
      throw requestInvalid(
        `${where} has ${record.values.length} values for ${features.length} features.`,
        "Give one value per feature, in the order of `features`.",
        { index },
      );
    }
    const values: OnlineValue[] = new Array(features.length);
    for (let f = 0; f < features.length; f++) {
      try {
        values[f] = normalizeValue(features[f]!.name, features[f]!.type, record.values[f]);
      } catch (error) {
        if (!BallastError.isInstance(error)) throw error;
        throw new OnlineStoreError(
          error.code as "ONLINE_STORE_VALUE_INVALID",
          `${where}: ${error.message.split("\nHint:")[0]}`,
          {
            cause: error,
            hint: "Fix the record; nothing of this batch was written.",
            details: { ...error.details, index },
          },
        );
      }
    }
    prepared[index] = {
      entityKey: record.entityKey,
      eventTime: record.eventTime,
      createdTime: record.createdTime,
      values,
    };
  }
  return prepared;
}

/** True when (eventTime, createdTime) is newer than or equal to the stored pair; absent created is oldest. */
export function isNewerOrEqual(
  eventTime: number,
  createdTime: number | undefined,
  storedEventTime: number,
  storedCreatedTime: number | undefined,
): boolean {
  if (eventTime !== storedEventTime) return eventTime > storedEventTime;
  return (createdTime ?? Number.NEGATIVE_INFINITY) >= (storedCreatedTime ?? Number.NEGATIVE_INFINITY);
}

/** The `RESOURCE_CLOSED` error of a store used after `close()`. */
export function closedError(kind: string): BallastError {
  return new BallastError("RESOURCE_CLOSED", `The ${kind} online store is closed.`, {
    hint: "Open a new store; close() was already called on this one.",
  });
}
