import type { Readable } from "node:stream";
import { BallastError, type Workspace } from "@ballast/core";
import { openTrackingContext, type TrackingBackends, type TrackingContext } from "../tracking-context.js";
import { resolveActor } from "./actor.js";
import { type AliasMove, type AuditOptions, deleteAlias, setAlias } from "./aliases.js";
import { type AuditTrailOptions, getAuditTrail } from "./audit.js";
import {
  type DatasetLineage,
  type DatasetRef,
  datasetLineage,
  type VersionLineage,
  versionLineage,
} from "./lineage.js";
import { type ModelRef, parseModelRef } from "./model-uri.js";
import {
  type CreateModelOptions,
  createModel,
  getModel,
  type ListModelsOptions,
  listModels,
  type UpdateModelOptions,
  updateModel,
} from "./models.js";
import { type PromoteOptions, type PromotionResult, promote } from "./promote.js";
import type { PromptContent, PromptValues } from "./prompt-template.js";
import { type CreatePromptOptions, createPrompt, renderPrompt } from "./prompts.js";
import type { AuditEntry, ModelVersion, RegisteredModel, ResolvedVersion } from "./records.js";
import { resolveVersion } from "./resolve.js";
import { rollback } from "./rollback.js";
import { downloadVersionArtifact, openVersionArtifact } from "./version-artifact.js";
import {
  type CreateVersionOptions,
  createVersion,
  getVersion,
  listVersions,
  type UpdateVersionOptions,
  updateVersion,
} from "./versions.js";

/** Options of {@link createRegistry}. */
export interface RegistryOptions {
  /**
   * Who this registry acts as in the audit trail and as `createdBy`, unless a call says otherwise.
   * Default: `BALLAST_ACTOR`, else the OS user name, else `"unknown"`.
   */
  actor?: string;
}

/**
 * The model registry of one workspace: registered models and prompts, immutable numbered versions,
 * aliases moved through audited promotions, URI resolution and lineage.
 *
 * Every `name` argument is a model name (`"churn"`) or an explicit reference, `"models:/churn"` or
 * `"prompts:/support-reply"`: aliases, promotion, rollback and audit work the same for prompts.
 */
export interface Registry extends AsyncDisposable {
  /**
   * Registers a model name with a description and tags.
   *
   * @throws BallastError `MODEL_EXISTS` (unless `ifExists: "return"`); `MODEL_NAME_INVALID`.
   * @example await registry.createModel("churn", { description: "Monthly churn classifier" });
   */
  createModel(name: string, options?: CreateModelOptions): Promise<RegisteredModel>;
  /**
   * Reads a registered model or prompt with its aliases.
   *
   * @throws BallastError `MODEL_NOT_FOUND`.
   */
  getModel(name: string): Promise<RegisteredModel>;
  /** Lists models (or, with `kind: "prompt"`, prompts) by name. */
  listModels(options?: ListModelsOptions): Promise<RegisteredModel[]>;
  /**
   * Changes the description or tags (merged; null removes a tag).
   *
   * @throws BallastError `MODEL_NOT_FOUND`.
   */
  updateModel(name: string, options: UpdateModelOptions): Promise<RegisteredModel>;

  /**
   * Registers the next version of a model from an artifact a run logged (creating the model on first
   * use). Numbers are consecutive and unique across processes.
   *
   * @throws BallastError `RUN_NOT_FOUND`; `ARTIFACT_NOT_FOUND`; `SIGNATURE_INVALID`; `MODEL_NAME_INVALID`.
   * @example
   * const v = await registry.createVersion("churn", {
   *   runId: run.id, artifactPath: "model.json",
   *   signature: { inputs: z.object({ tenure: z.number() }), outputs: z.object({ churn: z.boolean() }) },
   * });
   */
  createVersion(name: string, options: CreateVersionOptions): Promise<ModelVersion>;
  /**
   * Reads one version.
   *
   * @throws BallastError `VERSION_NOT_FOUND`.
   */
  getVersion(name: string, version: number): Promise<ModelVersion>;
  /**
   * Lists versions, newest first.
   *
   * @throws BallastError `MODEL_NOT_FOUND`.
   */
  listVersions(name: string): Promise<ModelVersion[]>;
  /**
   * Changes a version's description or tags, the only mutable parts of a version.
   *
   * @throws BallastError `VERSION_NOT_FOUND`.
   */
  updateVersion(name: string, version: number, options: UpdateVersionOptions): Promise<ModelVersion>;

  /**
   * Points an alias at a version, without a gate, audited as `set_alias`.
   *
   * @throws BallastError `ALIAS_NAME_INVALID`; `ALIAS_RESERVED`; `MODEL_NOT_FOUND`; `VERSION_NOT_FOUND`.
   * @example await registry.setAlias("churn", "staging", 4, { reason: "nightly candidate" });
   */
  setAlias(name: string, alias: string, version: number, options?: AuditOptions): Promise<AliasMove>;
  /**
   * Removes an alias, audited as `delete_alias`.
   *
   * @throws BallastError `ALIAS_NOT_FOUND`; `ALIAS_RESERVED`.
   */
  deleteAlias(name: string, alias: string, options?: AuditOptions): Promise<AliasMove>;
  /**
   * Moves an alias to a version if it passes the gate; records the outcome either way.
   *
   * @throws BallastError `PROMOTION_REJECTED` when the gate fails (unless `throwOnFailure: false`).
   * @example
   * await registry.promote("churn", 4, {
   *   alias: "production",
   *   gate: [{ metric: "accuracy", op: ">=", value: 0.9 }, { metric: "accuracy", betterThanCurrent: "higher" }],
   *   reason: "weekly retrain",
   * });
   */
  promote(name: string, version: number, options: PromoteOptions): Promise<PromotionResult>;
  /**
   * Moves an alias back to the version before its latest move, audited as `rollback`.
   *
   * @throws BallastError `ROLLBACK_UNAVAILABLE`.
   * @example await registry.rollback("churn", "production", { reason: "latency regression" });
   */
  rollback(name: string, alias: string, options?: AuditOptions): Promise<AliasMove>;
  /**
   * The audit trail, oldest first.
   *
   * @throws BallastError `MODEL_NOT_FOUND`.
   */
  getAuditTrail(name: string, options?: AuditTrailOptions): Promise<AuditEntry[]>;

  /**
   * Finds the version a URI names: `models:/churn/3`, `models:/churn@production`, `models:/churn@latest`,
   * `prompts:/support-reply@production`.
   *
   * @throws BallastError `MODEL_URI_INVALID`; `MODEL_NOT_FOUND`; `VERSION_NOT_FOUND`; `ALIAS_NOT_FOUND`.
   */
  resolve(uri: string): Promise<ResolvedVersion>;
  /**
   * Streams a version's artifact bytes (verified against its sha256 at the end of the stream).
   *
   * @throws BallastError `ARTIFACT_NOT_FOUND`; the stream errors with `ARTIFACT_CORRUPT`.
   * @example const stream = await registry.openArtifact("models:/churn@production");
   */
  openArtifact(version: ModelVersion | string): Promise<Readable>;
  /**
   * Reads a version's artifact into memory, verified against its sha256.
   *
   * @throws BallastError `ARTIFACT_NOT_FOUND`; `ARTIFACT_CORRUPT`.
   */
  downloadArtifact(version: ModelVersion | string): Promise<Uint8Array>;

  /**
   * A version's run, the run's datasets and its code commit.
   *
   * @example const { code, datasets } = await registry.lineage("models:/churn@production");
   */
  lineage(version: ResolvedVersion | string): Promise<VersionLineage>;
  /**
   * The runs that read a dataset and the versions registered from them.
   *
   * @throws BallastError `DATASET_NOT_FOUND`.
   */
  datasetLineage(dataset: DatasetRef): Promise<DatasetLineage>;

  /**
   * Stores the next version of a prompt (created on first use).
   *
   * @throws BallastError `PROMPT_INVALID`; `MODEL_NAME_INVALID`.
   * @example await registry.createPrompt("support-reply", { template: "Hello {{customer}}, ..." });
   */
  createPrompt(name: string, options: CreatePromptOptions): Promise<ModelVersion>;
  /**
   * Fills a prompt version's template (same as the standalone {@link renderPrompt}).
   *
   * @throws BallastError `PROMPT_VARIABLES_INVALID`; `PROMPT_INVALID` for a model version.
   */
  renderPrompt(prompt: Pick<ModelVersion, "content"> | PromptContent, values: PromptValues): string;

  /**
   * Ends this registry handle; later calls fail with `RESOURCE_CLOSED`. The database and blob store
   * belong to the workspace (or the caller who passed them) and stay open.
   */
  close(): Promise<void>;
}

function kindOnly(ref: ModelRef, kind: ModelRef["kind"], call: string): ModelRef {
  if (ref.kind === kind) return ref;
  throw new BallastError("VALIDATION_FAILED", `${call}() works on ${kind}s, not on ${ref.kind}s.`, {
    hint: kind === "model" ? "Use createPrompt() for prompts." : "Use createVersion() for models.",
    details: { kind: ref.kind, name: ref.name },
  });
}

class RegistryImpl implements Registry {
  readonly #ctx: TrackingContext;
  readonly #actor: string;
  #closed = false;

  constructor(ctx: TrackingContext, actor: string) {
    this.#ctx = ctx;
    this.#actor = actor;
  }

  #open(): TrackingContext {
    if (this.#closed) {
      throw new BallastError("RESOURCE_CLOSED", "This registry is closed.", {
        hint: "Create a new one with createRegistry(); do not use a registry after close().",
      });
    }
    return this.#ctx;
  }

  async #version(version: ModelVersion | string): Promise<ModelVersion> {
    return typeof version === "string" ? resolveVersion(this.#open(), version) : version;
  }

  async createModel(name: string, options?: CreateModelOptions) {
    return createModel(this.#open(), parseModelRef(name), options);
  }
  async getModel(name: string) {
    return getModel(this.#open(), parseModelRef(name));
  }
  async listModels(options?: ListModelsOptions) {
    return listModels(this.#open(), options);
  }
  async updateModel(name: string, options: UpdateModelOptions) {
    return updateModel(this.#open(), parseModelRef(name), options);
  }
  async createVersion(name: string, options: CreateVersionOptions) {
    return createVersion(
      this.#open(),
      kindOnly(parseModelRef(name), "model", "createVersion"),
      options,
      this.#actor,
    );
  }
  async getVersion(name: string, version: number) {
    return getVersion(this.#open(), parseModelRef(name), version);
  }
  async listVersions(name: string) {
    return listVersions(this.#open(), parseModelRef(name));
  }
  async updateVersion(name: string, version: number, options: UpdateVersionOptions) {
    return updateVersion(this.#open(), parseModelRef(name), version, options);
  }
  async setAlias(name: string, alias: string, version: number, options: AuditOptions = {}) {
    return setAlias(this.#open(), parseModelRef(name), alias, version, options, this.#actor);
  }
  async deleteAlias(name: string, alias: string, options: AuditOptions = {}) {
    return deleteAlias(this.#open(), parseModelRef(name), alias, options, this.#actor);
  }
  async promote(name: string, version: number, options: PromoteOptions) {
    return promote(this.#open(), parseModelRef(name), version, options, this.#actor);
  }
  async rollback(name: string, alias: string, options: AuditOptions = {}) {
    return rollback(this.#open(), parseModelRef(name), alias, options, this.#actor);
  }
  async getAuditTrail(name: string, options?: AuditTrailOptions) {
    return getAuditTrail(this.#open(), parseModelRef(name), options);
  }
  async resolve(uri: string) {
    return resolveVersion(this.#open(), uri);
  }
  async openArtifact(version: ModelVersion | string) {
    return openVersionArtifact(this.#open(), await this.#version(version));
  }
  async downloadArtifact(version: ModelVersion | string) {
    return downloadVersionArtifact(this.#open(), await this.#version(version));
  }
  async lineage(version: ResolvedVersion | string) {
    return versionLineage(this.#open(), version);
  }
  async datasetLineage(dataset: DatasetRef) {
    return datasetLineage(this.#open(), dataset);
  }
  async createPrompt(name: string, options: CreatePromptOptions) {
    return createPrompt(
      this.#open(),
      kindOnly(parseModelRef(name, "prompt"), "prompt", "createPrompt"),
      options,
      this.#actor,
    );
  }
  renderPrompt(prompt: Pick<ModelVersion, "content"> | PromptContent, values: PromptValues) {
    return renderPrompt(prompt, values);
  }
  async close() {
    this.#closed = true;
  }
  async [Symbol.asyncDispose]() {
    await this.close();
  }
}

/**
 * Opens the model registry of a workspace (or of explicit backends), applying the tracking
 * migrations if needed. The registry shares the tracking tables, so versions point at real runs.
 *
 * `createPrompt`'s name is a bare prompt name (`"support-reply"`), or `"prompts:/support-reply"`.
 *
 * @throws BallastError `CONFIG_INVALID` for a bad workspace id; `MIGRATION_FAILED`.
 * @example
 * await using registry = await createRegistry(workspace);
 * const production = await registry.resolve("models:/churn@production");
 * const bytes = await registry.downloadArtifact(production);
 */
export async function createRegistry(
  source: Workspace | TrackingBackends,
  options: RegistryOptions = {},
): Promise<Registry> {
  const ctx = await openTrackingContext(source);
  return new RegistryImpl(ctx, resolveActor(options.actor));
}
