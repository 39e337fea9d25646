/**
 * Reading an environment spec from a request or message body: JSON or YAML, told apart by the content
 * type when it says, by the text itself otherwise (YAML reads JSON too), then validated once with the
 * one schema.
 */
import { validateSpec } from "../lib/spec/validate";
import type { SpecValidation } from "../lib/spec/types";

/** Content types that promise JSON (`application/json`, `application/*+json`). */
const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/**
 * Validates `text` as a spec. With a JSON content type the text must be strict JSON (a YAML body sent
 * as JSON is a client bug worth reporting); otherwise it is read as YAML, which also accepts JSON.
 */
export function validateSpecText(text: string, contentType: string | null | undefined): SpecValidation {
  if (contentType && JSON_TYPE.test(contentType) && text.trim() !== "") {
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
 * Refuses a valid spec whose subscription is not the one this provisioner builds in: its clients are
 * bound to `PROVISIONER_SUBSCRIPTION_ID`, so such a build could only fail later, less clearly.
 */
export function withinProvisionerSubscription(
  validation: SpecValidation,
  subscriptionId: string,
): SpecValidation {
  if (!validation.ok) return validation;
  const requested = validation.spec.providers.azurerm.subscription_id;
  if (requested.toLowerCase() === subscriptionId.toLowerCase()) return validation;
  return {
    ok: false,
    problems: [
      {
        path: "providers.azurerm.subscription_id",
        message: `this provisioner builds in subscription ${subscriptionId} (PROVISIONER_SUBSCRIPTION_ID), not ${requested}`,
      },
    ],
    warnings: validation.warnings,
  };
}
