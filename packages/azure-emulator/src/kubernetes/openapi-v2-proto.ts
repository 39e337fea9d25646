/**
 * The OpenAPI v2 document in protobuf, the form clients ask `/openapi/v2` for first
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's `openapi.v2.Document`
 * (google/gnostic `openapiv2/OpenAPIv2.proto`). Only the members the emulator's document has are
 * written; vendor extensions (`x-kubernetes-…`) travel as YAML text in `Any.yaml`, as gnostic writes
 * them (JSON is YAML).
 */

type Json = Record<string, unknown>;

/** Protobuf wire writer: varints and length-delimited fields, enough for strings, bools and messages. */
class Writer {
  private readonly parts: Buffer[] = [];

  private varint(value: number): void {
    const bytes: number[] = [];
    let rest = value >>> 0;
    while (rest > 0x7f) {
      bytes.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    bytes.push(rest);
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wireType: 0 | 2): void {
    this.varint((field << 3) | wireType);
  }

  string(field: number, value: unknown): this {
    if (typeof value !== "string" || value === "") return this;
    const bytes = Buffer.from(value, "utf8");
    this.key(field, 2);
    this.varint(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  strings(field: number, values: unknown): this {
    if (Array.isArray(values)) for (const value of values) this.string(field, String(value));
    return this;
  }

  bool(field: number, value: unknown): this {
    if (value !== true) return this;
    this.key(field, 0);
    this.varint(1);
    return this;
  }

  message(field: number, bytes: Buffer | undefined): this {
    if (bytes === undefined) return this;
    this.key(field, 2);
    this.varint(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `NamedAny` entries of the `x-…` members of `value`. */
function vendorExtensions(writer: Writer, field: number, value: Json): void {
  for (const [name, extension] of Object.entries(value)) {
    if (!name.startsWith("x-")) continue;
    const any = new Writer().string(2, JSON.stringify(extension)).done();
    writer.message(field, new Writer().string(1, name).message(2, any).done());
  }
}

function schema(value: unknown): Buffer {
  const s = isObject(value) ? value : {};
  const w = new Writer()
    .string(1, s.$ref)
    .string(2, s.format)
    .string(4, s.description)
    .strings(19, s.required);
  if (isObject(s.additionalProperties))
    w.message(21, new Writer().message(1, schema(s.additionalProperties)).done());
  if (typeof s.type === "string") w.message(22, new Writer().string(1, s.type).done());
  if (s.items !== undefined) w.message(23, new Writer().message(1, schema(s.items)).done());
  if (Array.isArray(s.allOf)) for (const part of s.allOf) w.message(24, schema(part));
  if (isObject(s.properties)) {
    const properties = new Writer();
    for (const [name, property] of Object.entries(s.properties)) {
      properties.message(1, new Writer().string(1, name).message(2, schema(property)).done());
    }
    w.message(25, properties.done());
  }
  w.bool(27, s.readOnly);
  vendorExtensions(w, 31, s);
  return w.done();
}

function parameter(value: Json): Buffer {
  if (value.in === "body") {
    const body = new Writer()
      .string(1, value.description)
      .string(2, value.name)
      .string(3, value.in)
      .bool(4, value.required)
      .message(5, schema(value.schema))
      .done();
    return new Writer().message(1, new Writer().message(1, body).done()).done();
  }
  const path = value.in === "path";
  const sub = new Writer()
    .bool(1, value.required)
    .string(2, value.in)
    .string(3, value.description)
    .string(4, value.name)
    .string(path ? 5 : 6, value.type)
    .bool(path ? 19 : 20, value.uniqueItems)
    .done();
  const nonBody = new Writer().message(path ? 4 : 3, sub).done();
  return new Writer().message(1, new Writer().message(2, nonBody).done()).done();
}

function operation(value: Json): Buffer {
  const w = new Writer()
    .strings(1, value.tags)
    .string(3, value.description)
    .string(5, value.operationId)
    .strings(6, value.produces)
    .strings(7, value.consumes);
  for (const p of (value.parameters as Json[] | undefined) ?? []) w.message(8, parameter(p));
  const responses = new Writer();
  for (const [code, response] of Object.entries(
    (value.responses as Record<string, Json> | undefined) ?? {},
  )) {
    const body = new Writer()
      .string(1, response.description)
      .message(2, response.schema ? new Writer().message(1, schema(response.schema)).done() : undefined)
      .done();
    const responseValue = new Writer().message(1, body).done();
    responses.message(1, new Writer().string(1, code).message(2, responseValue).done());
  }
  w.message(9, responses.done()).strings(10, value.schemes);
  vendorExtensions(w, 13, value);
  return w.done();
}

const PATH_ITEM_FIELDS: Readonly<Record<string, number>> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItem(value: Json): Buffer {
  const w = new Writer();
  for (const [method, field] of Object.entries(PATH_ITEM_FIELDS)) {
    if (isObject(value[method])) w.message(field, operation(value[method]));
  }
  for (const p of (value.parameters as Json[] | undefined) ?? []) w.message(9, parameter(p));
  return w.done();
}

/** `openapi.v2.Document` of an OpenAPI v2 JSON document. */
export function encodeOpenApiV2(document: Json): Buffer {
  const info = isObject(document.info) ? document.info : {};
  const paths = new Writer();
  for (const [name, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    paths.message(
      2,
      new Writer()
        .string(1, name)
        .message(2, pathItem(item as Json))
        .done(),
    );
  }
  const definitions = new Writer();
  for (const [name, definition] of Object.entries(
    isObject(document.definitions) ? document.definitions : {},
  )) {
    definitions.message(1, new Writer().string(1, name).message(2, schema(definition)).done());
  }
  return new Writer()
    .string(1, document.swagger)
    .message(2, new Writer().string(1, info.title).string(2, info.version).done())
    .message(8, paths.done())
    .message(9, definitions.done())
    .done();
}

/** The media type clients ask `/openapi/v2` for. */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/** The media type of the reply: the same without the `@` Go's MIME parser refuses, as kube-apiserver sends it. */
export const OPENAPI_V2_PROTOBUF_REPLY = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
