/**
 * Encoding of values into Azure Table entities: JSON split across properties (a string property holds at
 * most 64 KiB), sortable time strings (filters compare strings reliably where 64-bit numbers are not), and
 * key escaping (partition and row keys may not contain `/ \ # ?`).
 */

/** Characters per string property: 32K UTF-16 code units is the service's limit. */
const PART_CHARS = 30_000;
/** An entity holds at most 1 MiB; beyond this many parts a value cannot fit. */
const MAX_PARTS = 30;

/** Stores `value` as JSON in `name0…nameN` plus `nameParts`; `undefined` is stored as no parts. */
export function packJson(entity: Record<string, unknown>, name: string, value: unknown): void {
  if (value === undefined) {
    entity[`${name}Parts`] = 0;
    return;
  }
  const json = JSON.stringify(value);
  const parts = Math.ceil(json.length / PART_CHARS) || 1;
  if (parts > MAX_PARTS) {
    throw new RangeError(
      `${name} is ${json.length} characters of JSON; the task hub stores at most ~900,000`,
    );
  }
  entity[`${name}Parts`] = parts;
  for (let i = 0; i < parts; i++) entity[`${name}${i}`] = json.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
}

/** Reads a value stored by {@link packJson}; `undefined` when none was stored. */
export function unpackJson(entity: Record<string, unknown>, name: string): unknown {
  const parts = Number(entity[`${name}Parts`] ?? 0);
  if (parts === 0) return undefined;
  let json = "";
  for (let i = 0; i < parts; i++) json += String(entity[`${name}${i}`] ?? "");
  return JSON.parse(json) as unknown;
}

/** Epoch milliseconds as a fixed-width string that sorts and compares like the number. */
export function sortableTime(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, "0");
}

/** Escapes characters table keys may not hold (and `%`), keeping prefixes and order of plain ids. */
export function encodeKey(id: string): string {
  let encoded = "";
  for (const c of id)
    encoded += isForbiddenInKey(c) ? `%${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c;
  return encoded;
}

/** Key characters the Table service rejects: `/ \\ # ?`, control characters; `%` is our escape. */
function isForbiddenInKey(c: string): boolean {
  const code = c.charCodeAt(0);
  return "%/\\#?".includes(c) || code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** A non-negative integer as a fixed-width string for row keys. */
export function pad(n: number, width = 8): string {
  return String(n).padStart(width, "0");
}
