/**
 * Quoting user input inside problem messages. Messages repeat what the user wrote so they can find it,
 * but only a short prefix: a hostile or mistaken multi-kilobyte value must not flood logs and responses.
 */

/** Longest part of a value repeated in a message, in characters. */
export const MAX_QUOTED_LENGTH = 40;

/** The value as short text, without quotes: `11`, `aaaa…`. Non-strings are shown as JSON. */
export function shortText(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
}

/** `"eastus9"` for strings (long ones cut: `"aaaa…"`); other values as short JSON. */
export function quote(value: unknown): string {
  return typeof value === "string" ? `"${shortText(value)}"` : shortText(value);
}
