/**
 * JSON values in Azure Table columns. A string property holds at most 64 KiB (32 K UTF-16 characters),
 * and a large spec can exceed that, so a value is split over numbered columns (`spec_0`, `spec_1`, …)
 * and joined again on read. An entity as a whole stays under Table storage's 1 MiB limit.
 */

/** Characters per column: below the 32 768 UTF-16 units Table storage accepts. */
const CHUNK_CHARS = 30_000;

/** Writes `value` as JSON into columns named after `name`; `undefined` writes nothing. */
export function toJsonColumns(name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const text = JSON.stringify(value);
  const columns: Record<string, string> = {};
  for (let start = 0, index = 0; start < text.length || index === 0; start += CHUNK_CHARS, index += 1) {
    columns[`${name}_${index}`] = text.slice(start, start + CHUNK_CHARS);
  }
  return columns;
}

/** Reads what {@link toJsonColumns} wrote; `undefined` when the entity has no such columns. */
export function fromJsonColumns<T>(name: string, entity: Readonly<Record<string, unknown>>): T | undefined {
  let text = "";
  let index = 0;
  for (; typeof entity[`${name}_${index}`] === "string"; index += 1)
    text += entity[`${name}_${index}`] as string;
  return index === 0 ? undefined : (JSON.parse(text) as T);
}
