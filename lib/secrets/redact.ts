/** Keeping secret values out of logs, errors and statuses. */

/** What replaces a secret value. */
export const REDACTED = "***";

/**
 * Replaces every occurrence of each secret value in `text` with {@link REDACTED}. Values shorter than
 * 4 characters are ignored: they would blank out ordinary words and cannot be real credentials.
 */
export function redactValues(text: string, secrets: Iterable<string | undefined>): string {
  let result = text;
  // Longest first, so a secret that contains another is replaced whole.
  const values = [...secrets].filter((s): s is string => typeof s === "string" && s.length >= 4);
  values.sort((a, b) => b.length - a.length);
  for (const value of values) result = result.split(value).join(REDACTED);
  return result;
}

/** Keys whose values are secrets wherever they appear in an object about to be logged. */
const SECRET_KEY = /password|secret|token|primarykey|secondarykey|connectionstring|authtoken|^value$/i;

/**
 * A deep copy of `value` with the values of secret-looking keys (password, token, keys, `value` of a
 * Key Vault bundle…) replaced by {@link REDACTED}, for logging SDK objects.
 */
export function redactObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactObject);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_KEY.test(key) && inner !== undefined && inner !== null && typeof inner !== "object"
        ? REDACTED
        : redactObject(inner),
    ]),
  );
}
