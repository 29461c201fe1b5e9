import { BallastError } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import type { ModelRef } from "./model-uri.js";
import { type PromptContent, type PromptValues, promptContent, renderTemplate } from "./prompt-template.js";
import { type ModelVersion, parseInput, tagsSchema } from "./records.js";
import { insertVersion } from "./versions.js";

/** Options of `createPrompt`. */
export interface CreatePromptOptions {
  /** The template, with `{{name}}` placeholders. */
  template: string;
  /** The variables the template must use; when given they must match its placeholders exactly. */
  variables?: string[];
  description?: string;
  tags?: Record<string, string>;
  /** Recorded as the version's author (default: the registry's actor). */
  createdBy?: string;
}

const optionsSchema = z.strictObject({
  template: z.string(),
  variables: z.array(z.string()).optional(),
  description: z.string().optional(),
  tags: tagsSchema.optional(),
  createdBy: z.string().optional(),
});

/**
 * Stores a new version of a prompt, numbered like model versions (the prompt is created on first use),
 * with `content = { template, variables }`.
 *
 * @throws BallastError `PROMPT_INVALID` for a malformed template or declared variables that differ from
 *   its placeholders; `VALIDATION_FAILED` for bad options.
 */
export async function createPrompt(
  ctx: TrackingContext,
  ref: ModelRef,
  options: CreatePromptOptions,
  actor: string,
): Promise<ModelVersion> {
  const parsed = parseInput(optionsSchema, options, "prompt options");
  const content = promptContent(parsed.template, parsed.variables);
  return ctx.db.transaction((tx) =>
    insertVersion(tx, ctx, ref, {
      runId: null,
      artifactPath: null,
      artifactSha256: null,
      signature: null,
      content,
      description: parsed.description ?? null,
      tags: parsed.tags ?? {},
      createdBy: parsed.createdBy ?? actor,
    }),
  );
}

/**
 * Renders a prompt version (as returned by `resolve("prompts:/...")`) or its content with `values`.
 * Pure: no database access.
 *
 * @throws BallastError `PROMPT_INVALID` when given a model version (it has no template);
 *   `PROMPT_VARIABLES_INVALID` for a missing or unknown variable.
 * @example renderPrompt(await registry.resolve("prompts:/support-reply@production"), { customer: "Ada" });
 */
export function renderPrompt(
  prompt: Pick<ModelVersion, "content"> | PromptContent,
  values: PromptValues,
): string {
  const content = "template" in prompt ? prompt : prompt.content;
  if (content === null || typeof content?.template !== "string") {
    throw new BallastError(
      "PROMPT_INVALID",
      "This version has no prompt template (is it a model version?).",
      {
        hint: 'Resolve a prompt URI such as "prompts:/support-reply@production".',
      },
    );
  }
  return renderTemplate(content, values);
}
