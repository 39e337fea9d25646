/**
 * A minimal writer of the Kubernetes protobuf encoding (the `k8s\0` envelope around a `runtime.Unknown`),
 * so tests can send what kubectl sends without kubectl. Field numbers follow k8s.io/api's generated.proto.
 */

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A length-delimited field (strings, bytes, embedded messages). */
export function lengthField(field: number, payload: Buffer | string): Buffer {
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}

/** A varint field (bools, integers). */
export function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint(field << 3), varint(value)]);
}

/** One entry per key of a `map<string, V>` field. */
export function mapField(field: number, entries: Record<string, Buffer | string>): Buffer {
  return Buffer.concat(
    Object.entries(entries).map(([key, value]) =>
      lengthField(field, Buffer.concat([lengthField(1, key), lengthField(2, value)])),
    ),
  );
}

/** `k8s\0` + Unknown{typeMeta{apiVersion, kind}, raw}. */
export function kubernetesEnvelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([lengthField(1, apiVersion), lengthField(2, kind)]);
  return Buffer.concat([
    Buffer.from([0x6b, 0x38, 0x73, 0x00]),
    lengthField(1, typeMeta),
    lengthField(2, raw),
  ]);
}
