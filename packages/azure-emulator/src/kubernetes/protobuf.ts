/**
 * Reads request bodies in the Kubernetes protobuf encoding. kubectl sends built-in kinds as
 * `application/vnd.kubernetes.protobuf` and, unlike for replies, does not fall back to JSON when a server
 * refuses it, so `kubectl create namespace` needs the server to read this format. The envelope is the
 * magic `k8s\0` and a `runtime.Unknown` message whose `raw` field holds the object; the message layouts
 * below are data (field number → JSON name and type), decoded into the object's JSON form.
 */
import { kubernetesErrors } from "./status";

/** The JSON type a protobuf field decodes to. `bytes` becomes base64, as in Kubernetes JSON. */
export type ProtoScalar = "string" | "bytes" | "bool" | "int";

/** One field of a message layout. */
export interface ProtoField {
  readonly name: string;
  readonly type: ProtoScalar | ProtoMessage;
  /** `repeated` fields decode to arrays. */
  readonly repeated?: boolean;
  /** `map<string, V>` fields decode to objects; `type` is then V. */
  readonly map?: boolean;
}

/** A message layout: field numbers to fields. Unlisted fields are skipped. */
export interface ProtoMessage {
  readonly fields: Readonly<Record<number, ProtoField>>;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The media type of Kubernetes protobuf bodies. */
export const KUBERNETES_PROTOBUF = "application/vnd.kubernetes.protobuf";

const TYPE_META: ProtoMessage = {
  fields: { 1: { name: "apiVersion", type: "string" }, 2: { name: "kind", type: "string" } },
};
const UNKNOWN: ProtoMessage = {
  fields: { 1: { name: "typeMeta", type: TYPE_META }, 2: { name: "raw", type: "bytes" } },
};

/** `k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta`: the fields a client may set. */
export const OBJECT_META: ProtoMessage = {
  fields: {
    1: { name: "name", type: "string" },
    2: { name: "generateName", type: "string" },
    3: { name: "namespace", type: "string" },
    5: { name: "uid", type: "string" },
    6: { name: "resourceVersion", type: "string" },
    11: { name: "labels", type: "string", map: true },
    12: { name: "annotations", type: "string", map: true },
    14: { name: "finalizers", type: "string", repeated: true },
  },
};

const MAP_ENTRY_KEY = 1;
const MAP_ENTRY_VALUE = 2;

interface RawField {
  readonly number: number;
  readonly value: bigint | Buffer;
}

function malformed(): Error {
  return kubernetesErrors.badRequest("the request body is not a valid Kubernetes protobuf message");
}

function readVarint(buffer: Buffer, offset: number): { value: bigint; next: number } {
  let value = 0n;
  for (
    let shift = 0n, position = offset;
    position < buffer.length && shift < 70n;
    shift += 7n, position += 1
  ) {
    const byte = buffer[position] ?? 0;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: position + 1 };
  }
  throw malformed();
}

/** Splits a message into its fields (wire types varint, 64-bit, length-delimited, 32-bit). */
function readFields(buffer: Buffer): RawField[] {
  const fields: RawField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const tag = readVarint(buffer, offset);
    const number = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    offset = tag.next;
    if (wireType === 0) {
      const varint = readVarint(buffer, offset);
      fields.push({ number, value: varint.value });
      offset = varint.next;
    } else if (wireType === 2) {
      const length = readVarint(buffer, offset);
      const end = length.next + Number(length.value);
      if (end > buffer.length) throw malformed();
      fields.push({ number, value: buffer.subarray(length.next, end) });
      offset = end;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
    } else {
      throw malformed();
    }
  }
  if (offset !== buffer.length) throw malformed();
  return fields;
}

function decodeValue(type: ProtoScalar | ProtoMessage, raw: bigint | Buffer): unknown {
  if (typeof type === "object") return decodeMessage(type, asBytes(raw));
  switch (type) {
    case "string":
      return asBytes(raw).toString("utf8");
    case "bytes":
      return asBytes(raw).toString("base64");
    case "bool":
      return asVarint(raw) !== 0n;
    case "int":
      return Number(BigInt.asIntN(64, asVarint(raw)));
  }
}

function asBytes(raw: bigint | Buffer): Buffer {
  if (typeof raw === "bigint") throw malformed();
  return raw;
}

function asVarint(raw: bigint | Buffer): bigint {
  if (typeof raw !== "bigint") throw malformed();
  return raw;
}

/** Decodes a message into JSON by its layout. */
export function decodeMessage(layout: ProtoMessage, buffer: Buffer): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { number, value } of readFields(buffer)) {
    const field = layout.fields[number];
    if (!field) continue;
    if (field.map) {
      const entry = readFields(asBytes(value));
      const key = entry.find((part) => part.number === MAP_ENTRY_KEY);
      const item = entry.find((part) => part.number === MAP_ENTRY_VALUE);
      const map = (result[field.name] ??= {}) as Record<string, unknown>;
      map[key ? String(decodeValue("string", key.value)) : ""] = item
        ? decodeValue(field.type, item.value)
        : decodeValue(field.type, Buffer.alloc(0));
    } else if (field.repeated) {
      ((result[field.name] ??= []) as unknown[]).push(decodeValue(field.type, value));
    } else {
      const decoded = decodeValue(field.type, value);
      // Go's generated code writes zero values; Kubernetes JSON omits them, so they mean "unset".
      if (decoded !== "" && decoded !== 0 && decoded !== false) result[field.name] = decoded;
    }
  }
  return result;
}

/**
 * Unwraps a `k8s\0` envelope and decodes the object with the layout registered for its kind.
 * @returns the object as Kubernetes JSON (with apiVersion and kind from the envelope).
 */
export function decodeKubernetesProtobuf(
  body: Buffer,
  layoutOfKind: (kind: string) => ProtoMessage | undefined,
): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw malformed();
  const envelope = decodeMessage(UNKNOWN, body.subarray(MAGIC.length));
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const layout = layoutOfKind(typeMeta.kind ?? "");
  if (!layout)
    throw kubernetesErrors.unsupportedMediaType(
      `${KUBERNETES_PROTOBUF} for kind ${typeMeta.kind ?? "(none)"}`,
    );
  const raw = Buffer.from(String(envelope.raw ?? ""), "base64");
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(layout, raw) };
}
