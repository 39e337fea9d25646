/**
 * Reading bodies against a {@link Schema}: what a request may not carry (members the api-version does
 * not define, values of the wrong JSON type, missing required members), what the service keeps of it
 * (no read-only members, no write-only ones), and what an answer may not carry (members the definition
 * does not have, write-only values).
 */
import { isRecord } from "../body-path.js";
import { resolved, type ObjectSchema, type Schema } from "./schema.js";

/** One way a body departs from its definition. */
export interface BodyProblem {
  readonly kind: "unknown-member" | "wrong-type" | "missing-required" | "write-only-returned";
  /** Dotted path of the member, `[n]` for array elements, e.g. `properties.subnets[0].properties.foo`. */
  readonly path: string;
  /** The definition the member belongs to (or should), e.g. `SubnetPropertiesFormat`. */
  readonly definition: string;
  /** For `wrong-type`: the JSON type the definition wants. */
  readonly expected?: string;
  /** For `wrong-type`: the value sent. */
  readonly value?: unknown;
}

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

function typeMatches(schema: Schema, value: unknown): boolean {
  switch (schema.kind) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "object":
    case "map":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "any":
    case "lazy":
      return true;
  }
}

/**
 * Every problem of a request body: members its definition lacks, values of the wrong type and, when
 * `requireMembers` (a create or a full replace), required members missing from the objects present.
 * Read-only members are accepted and not looked into (the service ignores them); `null` is absent.
 */
export function requestProblems(
  body: unknown,
  schema: ObjectSchema,
  options: { readonly requireMembers: boolean },
): BodyProblem[] {
  const problems: BodyProblem[] = [];
  const visit = (value: unknown, node: Schema, path: string, definition: string): void => {
    const current = resolved(node);
    if (value === null || value === undefined || current.readOnly || current.kind === "any") return;
    if (!typeMatches(current, value)) {
      problems.push({ kind: "wrong-type", path, definition, expected: current.kind, value });
      return;
    }
    if (current.kind === "array") {
      (value as unknown[]).forEach((item, i) => visit(item, current.items, `${path}[${i}]`, definition));
    } else if (current.kind === "map") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
        visit(item, current.values, join(path, key), definition);
    } else if (current.kind === "object") {
      const record = value as Record<string, unknown>;
      for (const [key, item] of Object.entries(record)) {
        const member = current.properties[key];
        if (!member)
          problems.push({ kind: "unknown-member", path: join(path, key), definition: current.name });
        else visit(item, member, join(path, key), current.name);
      }
      if (!options.requireMembers) return;
      for (const [key, member] of Object.entries(current.properties)) {
        const flags = resolved(member);
        if (flags.required && !flags.readOnly && (record[key] === undefined || record[key] === null)) {
          problems.push({ kind: "missing-required", path: join(path, key), definition: current.name });
        }
      }
    }
  };
  visit(body, schema, "", schema.name);
  return problems;
}

/**
 * What the service keeps of a request body: no read-only members (the service's own) and no write-only
 * ones (never answered). Members the definition lacks are kept: callers refuse them first.
 */
export function storedPart(body: Record<string, unknown>, schema: ObjectSchema): Record<string, unknown> {
  const keep = (value: unknown, node: Schema): unknown => {
    const current = resolved(node);
    if (current.kind === "array" && Array.isArray(value))
      return value.map((item) => keep(item, current.items));
    if (current.kind === "map" && isRecord(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, keep(item, current.values)]),
      );
    }
    if (current.kind !== "object" || !isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const member = current.properties[key];
      const flags = member ? resolved(member) : undefined;
      if (flags?.readOnly || flags?.secret) continue;
      out[key] = member ? keep(item, member) : item;
    }
    return out;
  };
  return keep(body, schema) as Record<string, unknown>;
}

/**
 * Every way an answer departs from its definition: members the definition does not have (read-only ones
 * included: an answer may only carry what the api-version defines) and write-only members returned.
 */
export function responseProblems(body: unknown, schema: ObjectSchema): BodyProblem[] {
  const problems: BodyProblem[] = [];
  const visit = (value: unknown, node: Schema, path: string, definition: string): void => {
    const current = resolved(node);
    if (value === null || value === undefined || current.kind === "any") return;
    if (current.secret) {
      problems.push({ kind: "write-only-returned", path, definition });
      return;
    }
    if (!typeMatches(current, value)) {
      problems.push({ kind: "wrong-type", path, definition, expected: current.kind, value });
      return;
    }
    if (current.kind === "array") {
      (value as unknown[]).forEach((item, i) => visit(item, current.items, `${path}[${i}]`, definition));
    } else if (current.kind === "map") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
        visit(item, current.values, join(path, key), definition);
    } else if (current.kind === "object") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const member = current.properties[key];
        if (!member)
          problems.push({ kind: "unknown-member", path: join(path, key), definition: current.name });
        else visit(item, member, join(path, key), current.name);
      }
    }
  };
  visit(body, schema, "", schema.name);
  return problems;
}

/** Dotted paths (`[]` for array elements) of every write-only member a definition has. */
export function writeOnlyPaths(schema: ObjectSchema): string[] {
  const paths: string[] = [];
  const visit = (node: Schema, path: string): void => {
    if (node.kind === "lazy") return; // self-references repeat what was already walked
    if (node.secret) {
      paths.push(path);
      return;
    }
    if (node.kind === "array") visit(node.items, `${path}[]`);
    else if (node.kind === "map") visit(node.values, `${path}.*`);
    else if (node.kind === "object")
      for (const [key, member] of Object.entries(node.properties)) visit(member, join(path, key));
  };
  visit(schema, "");
  return paths;
}
