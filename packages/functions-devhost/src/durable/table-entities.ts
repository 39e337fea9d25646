/**
 * Table entities as the engine holds them and as the Table service's JSON carries them
 * (`application/json;odata=minimalmetadata`): `partitionKey`/`rowKey`/`etag` here, `PartitionKey`/
 * `RowKey`/`odata.etag` on the wire. Only the types the engine stores are written — strings, booleans and
 * numbers — so no value needs a type annotation but a number that is not a 32-bit integer (a Double).
 */

/** What reads ask for: JSON whose rows carry their ETags (`odata.etag`) and no other metadata. */
export const JSON_ACCEPT = "application/json;odata=minimalmetadata";

/** A row: its keys and its properties. */
export interface TableEntity {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly [property: string]: unknown;
}

/** A row as read: its properties, keys and ETag. */
export type StoredEntity = Record<string, unknown> & {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly etag: string;
};

/** `Merge` keeps properties the write leaves out; `Replace` drops them. */
export type UpdateMode = "Merge" | "Replace";

/** One operation of a transaction (the shapes `@azure/data-tables` uses, so callers read the same). */
export type TableAction =
  | readonly ["create", TableEntity]
  | readonly ["delete", TableEntity, { readonly etag?: string }?]
  | readonly ["update", TableEntity, UpdateMode?, { readonly etag?: string }?]
  | readonly ["upsert", TableEntity, UpdateMode?];

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The JSON body of a write. Properties that are `undefined` (or symbol-keyed marks) are not sent.
 * @throws TypeError for a value the engine never stores (objects, dates, non-finite numbers)
 */
export function entityBody(entity: TableEntity): string {
  const body: Record<string, unknown> = { PartitionKey: entity.partitionKey, RowKey: entity.rowKey };
  for (const name of Object.keys(entity)) {
    if (name === "partitionKey" || name === "rowKey" || name === "etag") continue;
    const value = entity[name];
    if (value === undefined) continue;
    if (typeof value === "string" || typeof value === "boolean") body[name] = value;
    else if (typeof value === "number" && Number.isFinite(value)) {
      // A JSON number without annotation is an Int32 to the service; any other number is a Double.
      if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        body[`${name}@odata.type`] = "Edm.Double";
      }
      body[name] = value;
    } else {
      throw new TypeError(`table property ${name} holds a ${typeof value} the engine does not store`);
    }
  }
  return JSON.stringify(body);
}

/**
 * An entity from the service's JSON: keys and ETag renamed, OData metadata dropped, and annotated
 * numbers (Int64, Doubles such as `"NaN"`) read as numbers.
 */
export function entityFromJson(json: Record<string, unknown>, etag?: string): StoredEntity {
  const entity: Record<string, unknown> = {};
  for (const name of Object.keys(json)) {
    const value = json[name];
    if (name === "PartitionKey") entity.partitionKey = value;
    else if (name === "RowKey") entity.rowKey = value;
    else if (name === "odata.etag") entity.etag = value;
    else if (name === "Timestamp") entity.timestamp = value;
    else if (name.startsWith("odata.")) continue;
    else if (name.endsWith("@odata.type")) continue;
    else {
      const type = json[`${name}@odata.type`];
      entity[name] = type === "Edm.Int64" || type === "Edm.Double" ? Number(value) : value;
    }
  }
  if (etag !== undefined) entity.etag = etag;
  return entity as StoredEntity;
}

/** `'value'` as an OData string literal (quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A filter with its interpolated values as OData literals: strings quoted, numbers and booleans as they
 * are (the `odata` tag of `@azure/data-tables`, which the engine's filters were written for).
 */
export function odata(strings: TemplateStringsArray, ...values: unknown[]): string {
  let filter = strings[0] ?? "";
  values.forEach((value, index) => {
    filter += typeof value === "string" ? odataString(value) : String(value);
    filter += strings[index + 1] ?? "";
  });
  return filter;
}

/** The path of one row: `<table>(PartitionKey='…',RowKey='…')`, URL-encoded. */
export function entityPath(table: string, partitionKey: string, rowKey: string): string {
  const key = (value: string) => encodeURIComponent(odataString(value));
  return `${table}(PartitionKey=${key(partitionKey)},RowKey=${key(rowKey)})`;
}

/** The code and message of an OData error body (`{"odata.error":{"code":…,"message":{"value":…}}}`). */
export function errorOf(text: string): { code?: string; message: string } {
  try {
    const parsed = JSON.parse(text) as { "odata.error"?: { code?: string; message?: { value?: string } } };
    const error = parsed["odata.error"];
    if (error) return { ...(error.code ? { code: error.code } : {}), message: error.message?.value ?? "" };
  } catch {
    // Not JSON: an XML error (`<Code>…</Code><Message>…</Message>`), or none.
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? "";
  return { ...(code ? { code } : {}), message: message.trim() };
}
