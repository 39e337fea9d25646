/**
 * A compact notation for the request and response bodies of ARM resource types, transcribed by hand from
 * the published OpenAPI definitions (Azure/azure-rest-api-specs, `specification/<service>/resource-manager`).
 * Each node keeps what the emulator needs and nothing else: which members exist, their JSON type, and
 * the flags the specs put on them — `readOnly` (the service's, ignored in requests), `required`,
 * `secret` (write-only: `x-ms-secret`, or `x-ms-mutability` without `read`; never returned).
 *
 * What the notation leaves out, on purpose: descriptions, enums (most are `modelAsString`, i.e. open),
 * formats, defaults (a type's own `synthesize` fills the defaults the service fills).
 */

/** Flags a member carries in its parent. */
export interface SchemaFlags {
  /** Set by the service; ignored when sent, always allowed in answers. */
  readonly readOnly?: boolean;
  /** Must be present in a create request (PUT). */
  readonly required?: boolean;
  /** Write-only: accepted in requests, never stored in answers. */
  readonly secret?: boolean;
}

export interface ScalarSchema extends SchemaFlags {
  readonly kind: "string" | "integer" | "number" | "boolean";
}

export interface ObjectSchema extends SchemaFlags {
  readonly kind: "object";
  /** The definition's name in the spec, for error messages (`Could not find member … on object of type …`). */
  readonly name: string;
  readonly properties: Readonly<Record<string, Schema>>;
}

export interface ArraySchema extends SchemaFlags {
  readonly kind: "array";
  readonly items: Schema;
}

/** `additionalProperties`: an object whose keys are data (tags, user-assigned identities). */
export interface MapSchema extends SchemaFlags {
  readonly kind: "map";
  readonly values: Schema;
}

/**
 * Free-form JSON (`type: object` without properties in the spec), or a nested definition this table did
 * not transcribe (a reference to another service's full model). Anything is accepted under it.
 */
export interface AnySchema extends SchemaFlags {
  readonly kind: "any";
}

/** A definition that refers to itself, directly or not (a public IP's `linkedPublicIPAddress`). */
export interface LazySchema extends SchemaFlags {
  readonly kind: "lazy";
  readonly resolve: () => Schema;
}

export type Schema = ScalarSchema | ObjectSchema | ArraySchema | MapSchema | AnySchema | LazySchema;

export const str: ScalarSchema = { kind: "string" };
export const int: ScalarSchema = { kind: "integer" };
export const num: ScalarSchema = { kind: "number" };
export const bool: ScalarSchema = { kind: "boolean" };
export const any: AnySchema = { kind: "any" };

/** An object definition. */
export const obj = (name: string, properties: Readonly<Record<string, Schema>>): ObjectSchema => ({
  kind: "object",
  name,
  properties,
});
export const arr = (items: Schema): ArraySchema => ({ kind: "array", items });
export const map = (values: Schema): MapSchema => ({ kind: "map", values });
export const lazy = (resolve: () => Schema): LazySchema => ({ kind: "lazy", resolve });

/** The same schema, read-only. */
export const ro = <S extends Schema>(schema: S): S => ({ ...schema, readOnly: true });
/** The same schema, required in its parent. */
export const req = <S extends Schema>(schema: S): S => ({ ...schema, required: true });
/** The same schema, write-only (`x-ms-secret`). */
export const secret = <S extends Schema>(schema: S): S => ({ ...schema, secret: true });

/** An object with more members: `allOf` in the specs. */
export const extend = (
  base: ObjectSchema,
  name: string,
  properties: Readonly<Record<string, Schema>>,
): ObjectSchema => obj(name, { ...base.properties, ...properties });

/** Follows {@link LazySchema} indirections. */
export function resolved(schema: Schema): Schema {
  let current = schema;
  while (current.kind === "lazy") {
    const flags: SchemaFlags = {
      ...(current.readOnly ? { readOnly: true } : {}),
      ...(current.required ? { required: true } : {}),
      ...(current.secret ? { secret: true } : {}),
    };
    current = { ...current.resolve(), ...flags };
  }
  return current;
}

/** The bodies of one resource type at one api-version. */
export interface ApiVersionSchema {
  readonly apiVersion: string;
  /** The resource as PUT takes it and GET answers it. */
  readonly resource: ObjectSchema;
  /** The body PATCH takes, when it differs from the resource (`TagsObject`, `…ForPatch`, `…UpdateParameters`). */
  readonly patch?: ObjectSchema;
  /**
   * Where it was read: the spec file, relative to `specification/`, and when the file of this very
   * api-version was not available, which one was read instead.
   */
  readonly source: string;
}
