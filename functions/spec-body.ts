/**
 * Reading an environment spec from a request or message body: JSON or YAML, told apart by the content
 * type when it says, by the text itself otherwise (YAML reads JSON too), then validated once with the
 * one schema.
 */
import { MAX_NESTING_DEPTH } from "../lib/spec/parse";
import { nestsDeeperThan } from "../lib/spec/nesting";
import { validateSpec } from "../lib/spec/validate";
import type { SpecValidation } from "../lib/spec/types";

/** Content types that promise JSON (`application/json`, `application/*+json`). */
const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Content types that promise YAML: the registered `application/yaml` and the common older names. */
const YAML_TYPE = /^(application\/([\w.-]+\+)?yaml|application\/x-yaml|text\/yaml|text\/x-yaml)$/i;

/** Content types a spec may be sent as, for 415 answers and the OpenAPI document. */
export const SPEC_CONTENT_TYPES = ["application/json", "application/yaml", "text/yaml"] as const;

/** What a body's content type declares: JSON, YAML, nothing (read by content), or something else. */
export type DeclaredSpecFormat = "json" | "yaml" | "unstated" | "unsupported";

/** The format `contentType` declares; parameters such as `charset` are ignored. */
export function declaredSpecFormat(contentType: string | null | undefined): DeclaredSpecFormat {
  const mediaType = (contentType ?? "").split(";")[0]?.trim() ?? "";
  if (mediaType === "") return "unstated";
  if (JSON_TYPE.test(mediaType)) return "json";
  if (YAML_TYPE.test(mediaType)) return "yaml";
  return "unsupported";
}

/**
 * Validates `text` as a spec. With a JSON content type the text must be strict JSON (a YAML body sent
 * as JSON is a client bug worth reporting); otherwise it is read as YAML, which also accepts JSON.
 * Callers answer 415 for an `unsupported` content type before calling this.
 */
export function validateSpecText(text: string, contentType: string | null | undefined): SpecValidation {
  // Nesting is bounded before any parser sees the text (`parseSpecText` refuses it with its reason).
  const tooDeep = nestsDeeperThan(text, MAX_NESTING_DEPTH);
  if (!tooDeep && declaredSpecFormat(contentType) === "json" && text.trim() !== "") {
    try {
      JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        problems: [{ path: "", message: `the body is declared as JSON but is not valid JSON: ${reason}` }],
        warnings: [],
      };
    }
  }
  // The text, not the parsed value, so the parser's size, alias and depth limits apply to JSON as well.
  return validateSpec(text);
}

/**
 * Refuses a valid spec whose subscription is not on this provisioner's allow-list
 * (`PROVISIONER_SUBSCRIPTION_IDS`, or the older single `PROVISIONER_SUBSCRIPTION_ID`): it gets clients
 * for no other subscription, so such a build could only fail later, less clearly. An empty list (emulator
 * mode) allows every subscription.
 * @param subscriptionIds - the allow-list, lower-case (`ProvisionerConfig.subscriptionIds`)
 */
export function withinProvisionerSubscriptions(
  validation: SpecValidation,
  subscriptionIds: readonly string[],
): SpecValidation {
  if (!validation.ok || subscriptionIds.length === 0) return validation;
  const requested = validation.spec.providers.azurerm.subscription_id;
  if (subscriptionIds.includes(requested.toLowerCase())) return validation;
  const allowed =
    subscriptionIds.length === 1
      ? `subscription ${subscriptionIds[0]}`
      : `subscriptions ${subscriptionIds.join(", ")}`;
  return {
    ok: false,
    problems: [
      {
        path: "providers.azurerm.subscription_id",
        message: `this provisioner builds in ${allowed} (PROVISIONER_SUBSCRIPTION_IDS), not ${requested}`,
      },
    ],
    warnings: validation.warnings,
  };
}
