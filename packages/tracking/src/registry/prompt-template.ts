import { BallastError } from "@ballast/core";

/** What a prompt version stores in `registry_versions.content`. */
export interface PromptContent {
  template: string;
  /** The placeholder names, in order of first appearance in the template. */
  variables: string[];
}

/** Values to fill a template with; numbers and booleans are written with `String()`. */
export type PromptValues = Record<string, string | number | boolean>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Finds the `{{name}}` placeholders (spaces inside the braces allowed) of a template. There is no
 * escape syntax: any other `{{` or `}}` is an error, because a typo such as `{{ customer name }}`
 * would otherwise reach the language model as literal text.
 *
 * @throws BallastError `PROMPT_INVALID` for an empty template or a malformed placeholder.
 * @example templateVariables("Hello {{customer}}, about {{ topic }}"); // ["customer", "topic"]
 */
export function templateVariables(template: string): string[] {
  if (typeof template !== "string" || template.length === 0) {
    throw new BallastError("PROMPT_INVALID", "A prompt template must be a non-empty string.");
  }
  const rest = template.replace(PLACEHOLDER, "");
  const stray = /\{\{|\}\}/.exec(rest);
  if (stray) {
    throw new BallastError(
      "PROMPT_INVALID",
      `The template has a malformed placeholder near ${JSON.stringify(stray[0])}.`,
      {
        hint: "Write placeholders as {{name}} with a name of letters, digits and '_' (not starting with a digit).",
      },
    );
  }
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) if (!names.includes(match[1]!)) names.push(match[1]!);
  return names;
}

/**
 * Builds a prompt version's content: extracts the placeholders and, when `declared` is given, checks
 * it names exactly the same variables (in any order).
 *
 * @throws BallastError `PROMPT_INVALID` for a malformed template, or declared variables that differ
 *   from the placeholders (both lists in `details`).
 * @example promptContent("Hi {{customer}}", ["customer"]); // { template: "Hi {{customer}}", variables: ["customer"] }
 */
export function promptContent(template: string, declared?: readonly string[]): PromptContent {
  const variables = templateVariables(template);
  if (declared !== undefined) {
    const missing = variables.filter((name) => !declared.includes(name));
    const unused = declared.filter((name) => !variables.includes(name));
    if (missing.length > 0 || unused.length > 0) {
      throw new BallastError(
        "PROMPT_INVALID",
        "The declared variables do not match the template's placeholders.",
        {
          hint: `Declare exactly: ${JSON.stringify(variables)}.`,
          details: { undeclared: missing, unused },
        },
      );
    }
  }
  return { template, variables };
}

/**
 * Fills a template. Every variable must be given and no other, so a renamed placeholder fails loudly
 * instead of sending `{{customer}}` to the model.
 *
 * @throws BallastError `PROMPT_VARIABLES_INVALID` listing `missing`, `unknown` and `invalid` (values
 *   that are not a string, number or boolean) names in `details`.
 * @example renderTemplate({ template: "Hi {{customer}}", variables: ["customer"] }, { customer: "Ada" }); // "Hi Ada"
 */
export function renderTemplate(content: PromptContent, values: PromptValues): string {
  const given = typeof values === "object" && values !== null ? values : {};
  const missing = content.variables.filter((name) => !Object.hasOwn(given, name));
  const unknown = Object.keys(given).filter((name) => !content.variables.includes(name));
  const invalid = Object.entries(given)
    .filter(([, value]) => !["string", "number", "boolean"].includes(typeof value))
    .map(([name]) => name);
  if (missing.length > 0 || unknown.length > 0 || invalid.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(", ")}` : "",
      unknown.length > 0 ? `unknown ${unknown.join(", ")}` : "",
      invalid.length > 0 ? `not a string, number or boolean: ${invalid.join(", ")}` : "",
    ].filter(Boolean);
    throw new BallastError("PROMPT_VARIABLES_INVALID", `Cannot render the prompt: ${parts.join("; ")}.`, {
      hint: `Pass exactly these variables: ${JSON.stringify(content.variables)}.`,
      details: { missing, unknown, invalid, expected: content.variables },
    });
  }
  return content.template.replace(PLACEHOLDER, (_, name: string) => String(given[name]));
}
