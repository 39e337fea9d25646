/**
 * Encoding of values into Azure Table entities: JSON split across properties (a string property holds at
 * most 64 KiB), sortable time strings (filters compare strings reliably where 64-bit numbers are not), and
 * key escaping (partition and row keys may not contain `/ \ # ?`).
 */

/** Characters per string property: 32K UTF-16 code units is the service's limit. */
const PART_CHARS = 30_000;
/** An entity holds at most 1 MiB; beyond this many parts a value cannot fit. */
const MAX_PARTS = 30;

/** Longest JSON kept in the row, in characters; longer values go to a blob. */
export const INLINE_JSON_CHARS = 60_000;

const PENDING = Symbol("largePayloadsToUpload");
/** Suffix of the property naming a value's blob. */
export const BLOB_SUFFIX = "Blob";

type PendingPayload = { readonly name: string; readonly json: string };
type EntityWithPending = Record<string, unknown> & { [PENDING]?: PendingPayload[] };

/** Marks `json`, the value of property family `name`, to be uploaded when the entity is written. */
export function markForBlob(entity: Record<string, unknown>, name: string, json: string): void {
  const pending = ((entity as EntityWithPending)[PENDING] ??= []);
  pending.push({ name, json });
  entity[`${name}Parts`] = 0;
  entity[`${name}${BLOB_SUFFIX}`] = PENDING_BLOB;
}

/** What a value's blob property holds until the value is uploaded. */
const PENDING_BLOB = "(not uploaded yet)";

/** The blob holding the value of property family `name`, when the row keeps it in one. */
export function blobNameOf(entity: Record<string, unknown>, name: string): string | undefined {
  const blob = entity[`${name}${BLOB_SUFFIX}`];
  return typeof blob === "string" && blob !== "" && blob !== PENDING_BLOB ? blob : undefined;
}

/** The values marked on `entity` and not uploaded yet. */
export function pendingBlobsOf(entity: Record<string, unknown>): readonly PendingPayload[] {
  return (entity as EntityWithPending)[PENDING] ?? [];
}

/** Forgets the marks once the values are uploaded. */
export function clearPendingBlobs(entity: Record<string, unknown>): void {
  delete (entity as EntityWithPending)[PENDING];
}

/** Every column that may hold a value stored by {@link packJson} under `name` (for a projection). */
export function jsonColumns(name: string): string[] {
  const parts = Array.from({ length: MAX_PARTS }, (_, i) => `${name}${i}`);
  return [`${name}Parts`, `${name}${BLOB_SUFFIX}`, ...parts];
}

/**
 * Stores `value` as JSON in `name0…nameN` plus `nameParts`; `undefined` is stored as no parts; JSON
 * longer than {@link INLINE_JSON_CHARS} is marked to go to a blob (`LargePayloads.flush`).
 */
export function packJson(entity: Record<string, unknown>, name: string, value: unknown): void {
  // Rows are replaced whole; an empty blob name keeps a value written inline from reading an old blob.
  entity[`${name}${BLOB_SUFFIX}`] = "";
  if (value === undefined) {
    entity[`${name}Parts`] = 0;
    return;
  }
  const json = JSON.stringify(value);
  if (json.length > INLINE_JSON_CHARS) {
    markForBlob(entity, name, json);
    return;
  }
  const parts = Math.ceil(json.length / PART_CHARS) || 1;
  if (parts > MAX_PARTS) {
    throw new RangeError(
      `${name} is ${json.length} characters of JSON; the task hub stores at most ~900,000`,
    );
  }
  entity[`${name}Parts`] = parts;
  for (let i = 0; i < parts; i++) entity[`${name}${i}`] = json.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
}

/**
 * Reads a value stored by {@link packJson}; `undefined` when none was stored.
 * @throws Error when the value is in a blob the row was not hydrated with (`LargePayloads.hydrate`)
 */
export function unpackJson(entity: Record<string, unknown>, name: string): unknown {
  const parts = Number(entity[`${name}Parts`] ?? 0);
  if (parts === 0) {
    const blob = entity[`${name}${BLOB_SUFFIX}`];
    if (typeof blob === "string" && blob !== "")
      throw new Error(`${name} of row ${String(entity.rowKey)} is in blob ${blob}, not read yet`);
    return undefined;
  }
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
