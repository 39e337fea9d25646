/**
 * Dotted paths into JSON bodies, the notation the type registry uses for required fields and
 * references: `properties.network.delegatedSubnetResourceId`, `properties.subnets[].id`.
 */

/** Every value at `path` (`[]` after a segment walks each element of an array); absent values are skipped. */
export function valuesAt(body: unknown, path: string): unknown[] {
  let current: unknown[] = [body];
  for (const rawSegment of path.split(".")) {
    const each = rawSegment.endsWith("[]");
    const segment = each ? rawSegment.slice(0, -2) : rawSegment;
    const next: unknown[] = [];
    for (const value of current) {
      if (typeof value !== "object" || value === null) continue;
      const child = (value as Record<string, unknown>)[segment];
      if (child === undefined || child === null) continue;
      if (each) {
        if (Array.isArray(child)) next.push(...(child as unknown[]));
      } else next.push(child);
    }
    current = next;
  }
  return current;
}

/** The single value at a path without `[]`, or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  return valuesAt(body, path)[0];
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of `target` with `patch` merged in, objects recursively (ARM PATCH semantics). */
export function mergeDeep(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] = isRecord(existing) && isRecord(value) ? mergeDeep(existing, value) : value;
  }
  return out;
}

/** A copy of `body` without the value at a dotted path (no `[]`). */
export function withoutPath(body: Record<string, unknown>, path: string): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (head === undefined || !(head in body)) return body;
  const out = { ...body };
  if (rest.length === 0) delete out[head];
  else if (isRecord(out[head])) out[head] = withoutPath(out[head], rest.join("."));
  return out;
}

/** `{ a: { b: value } }` for the dotted path `a.b` (no `[]`). */
export function objectAt(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((inner, segment) => ({ [segment]: inner }), value) as Record<string, unknown>;
}
