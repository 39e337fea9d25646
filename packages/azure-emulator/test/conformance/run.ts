/**
 * Runs the conformance checks of every served type against a running emulator: builds the scenario type
 * by type (each create checked against its spec facts), reads everything back once built, probes request
 * validation, then deletes in reverse order. Returns every check with its outcome; the test asserts they
 * all pass, the report prints the figures.
 */
import {
  KEY_VAULT_SCHEMAS,
  resolved,
  responseProblems,
  writeOnlyPaths,
  type ApiVersionSchema,
  type ObjectSchema,
  type Schema,
} from "../../src/arm-schema/index.js";
import { RESOURCE_TYPE_SPECS } from "../../src/registry.js";
import type { RunningEmulator } from "../../src/index.js";
import { SUBSCRIPTION_ID, TENANT_ID } from "../harness.js";
import {
  DELETED_VAULT_FIXTURE,
  FIXTURES,
  Scenario,
  type OperationFacts,
  type TypeFixture,
} from "./fixtures.js";
import { errorCodeOf, errorMessageOf, Wire, type WireAnswer } from "./wire.js";

/** One check's outcome. */
export interface CheckResult {
  readonly type: string;
  readonly name: string;
  readonly passed: boolean;
  /** What was seen when it failed. */
  readonly detail?: string;
}

/** How many of the spec example's answer keys an answer carried. */
export interface KeyCoverage {
  readonly type: string;
  readonly answer: "PUT" | "GET";
  readonly carried: number;
  readonly total: number;
}

export interface ConformanceRun {
  readonly checks: readonly CheckResult[];
  readonly coverage: readonly KeyCoverage[];
}

/** The principal the scenario grants roles to. */
const PRINCIPAL_ID = "00000000-0000-0000-0000-00000000c0f1";
/** A member no api-version defines. */
const PROBE_MEMBER = "conformanceProbe";

function schemaOf(type: string, apiVersion: string): ApiVersionSchema | undefined {
  return RESOURCE_TYPE_SPECS.find((spec) => spec.type === type)?.schemas?.find(
    (s) => s.apiVersion === apiVersion,
  );
}

/** True when `path` (dotted, `[]` = some element) is present in `body`. */
export function hasKey(body: unknown, path: string): boolean {
  const walk = (value: unknown, segments: string[]): boolean => {
    if (segments.length === 0) return value !== undefined;
    if (typeof value !== "object" || value === null) return false;
    const [head = "", ...rest] = segments;
    const each = head.endsWith("[]");
    const key = each ? head.slice(0, -2) : head;
    const child = (value as Record<string, unknown>)[key];
    if (!each) return walk(child, rest);
    return Array.isArray(child) && child.some((item) => walk(item, rest));
  };
  return walk(body, path.split("."));
}

/** The first scalar member under `properties` of a body, with its schema (for the wrong-type probe). */
function firstScalar(
  body: Record<string, unknown>,
  schema: ObjectSchema,
): { path: string[]; kind: string } | undefined {
  const search = (
    value: unknown,
    node: Schema,
    path: string[],
  ): { path: string[]; kind: string } | undefined => {
    const current = resolved(node);
    if (current.readOnly || value === undefined || value === null) return undefined;
    if (["string", "integer", "number", "boolean"].includes(current.kind))
      return { path, kind: current.kind };
    if (current.kind !== "object" || typeof value !== "object" || Array.isArray(value)) return undefined;
    for (const [key, member] of Object.entries(current.properties)) {
      const found = search((value as Record<string, unknown>)[key], member, [...path, key]);
      if (found) return found;
    }
    return undefined;
  };
  const properties = schema.properties.properties;
  return properties ? search(body.properties, properties, ["properties"]) : search(body, schema, []);
}

/** Required members of the create body (top level and inside the objects it sends), as paths. */
function requiredPaths(body: Record<string, unknown>, schema: ObjectSchema): string[][] {
  const paths: string[][] = [];
  const visit = (value: unknown, node: Schema, path: string[]): void => {
    const current = resolved(node);
    if (current.kind !== "object" || typeof value !== "object" || value === null || Array.isArray(value))
      return;
    for (const [key, member] of Object.entries(current.properties)) {
      const flags = resolved(member);
      if (flags.readOnly) continue;
      const child = (value as Record<string, unknown>)[key];
      if (flags.required) paths.push([...path, key]);
      visit(child, member, [...path, key]);
    }
  };
  visit(body, schema, []);
  return paths;
}

function withValue(
  body: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(body);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1) ?? "";
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Status and headers of an answer against an operation's facts. */
function operationChecks(
  check: (name: string, passed: boolean, detail?: string) => void,
  verb: string,
  answer: WireAnswer,
  facts: OperationFacts,
): void {
  const statusFacts = facts[answer.status];
  check(
    `${verb}: a status the spec lists (${Object.keys(facts).join("/")})`,
    statusFacts !== undefined,
    `${answer.status} ${JSON.stringify(answer.body ?? "")}`.slice(0, 300),
  );
  if (!statusFacts) return;
  const missing = statusFacts.headers.filter((header) => !answer.header(header));
  check(
    `${verb}: the long-running-operation headers of a ${answer.status} (${statusFacts.headers.join(", ") || "none"})`,
    missing.length === 0,
    `missing ${missing.join(", ")}`,
  );
  if (statusFacts.body) {
    check(
      `${verb}: the ${answer.status} carries the resource`,
      typeof answer.body === "object" && answer.body !== null,
      "no body",
    );
  }
}

/** Runs every check of every type against `emulator`. */
export async function runConformance(emulator: RunningEmulator): Promise<ConformanceRun> {
  const wire = new Wire(emulator);
  const scenario = new Scenario(emulator, SUBSCRIPTION_ID, TENANT_ID, PRINCIPAL_ID);
  const checks: CheckResult[] = [];
  const coverage: KeyCoverage[] = [];
  const created = new Map<TypeFixture, WireAnswer>();
  /** What each fixture's `prepare` made, deleted after the fixture itself. */
  const prepared = new Map<TypeFixture, { path: string; apiVersion: string }[]>();

  const recorder = (type: string) => (name: string, passed: boolean, detail?: string) => {
    checks.push({ type, name, passed, ...(passed ? {} : { detail }) });
  };

  const putAndSettle = async (path: string, apiVersion: string, body: unknown): Promise<WireAnswer> => {
    const answer = await wire.send("PUT", path, apiVersion, body);
    if (answer.status < 300) await wire.settle(answer, path, apiVersion);
    return answer;
  };

  const keyCoverage = (type: string, kind: "PUT" | "GET", body: unknown, keys: readonly string[]) => {
    if (keys.length === 0) return;
    const carried = keys.filter((key) => hasKey(body, key));
    coverage.push({ type, answer: kind, carried: carried.length, total: keys.length });
    recorder(type)(
      `${kind} answer: the keys the spec example's answer has`,
      carried.length === keys.length,
      `missing ${keys.filter((key) => !hasKey(body, key)).join(", ")}`,
    );
  };

  const shapeChecks = (
    type: string,
    kind: "PUT" | "GET",
    body: unknown,
    schema: ObjectSchema | undefined,
  ) => {
    if (!schema || typeof body !== "object" || body === null) return;
    const problems = responseProblems(body, schema);
    const undefinedMembers = problems.filter((p) => p.kind !== "write-only-returned");
    recorder(type)(
      `${kind} answer: only members the api-version defines`,
      undefinedMembers.length === 0,
      undefinedMembers.map((p) => `${p.path} (${p.kind})`).join(", "),
    );
    if (writeOnlyPaths(schema).length > 0) {
      const leaked = problems.filter((p) => p.kind === "write-only-returned");
      recorder(type)(
        `${kind} answer: no write-only member (${writeOnlyPaths(schema).join(", ")})`,
        leaked.length === 0,
        leaked.map((p) => p.path).join(", "),
      );
    }
  };

  // 1. Build, checking each create.
  for (const fixture of FIXTURES) {
    const check = recorder(fixture.type);
    const schema = schemaOf(fixture.type, fixture.apiVersion);
    check(`a definition table for api-version ${fixture.apiVersion}`, schema !== undefined, "none declared");
    prepared.set(fixture, []);
    await fixture.prepare?.(scenario, async (path, apiVersion, body) => {
      prepared.get(fixture)?.push({ path, apiVersion });
      const answer = await putAndSettle(path, apiVersion, body);
      if (answer.status >= 300)
        throw new Error(
          `preparing ${fixture.type}: ${path} answered ${answer.status} ${JSON.stringify(answer.body)}`,
        );
    });
    const path = fixture.path(scenario);
    const answer = await wire.send("PUT", path, fixture.apiVersion, fixture.body(scenario));
    created.set(fixture, answer);
    operationChecks(check, "PUT (create)", answer, fixture.put);
    if (answer.status < 300) {
      shapeChecks(fixture.type, "PUT", answer.body, schema?.resource);
      if (fixture.put[answer.status]?.body) {
        keyCoverage(fixture.type, "PUT", answer.body, [
          ...fixture.exampleKeys,
          ...(fixture.writeAnswerOnlyKeys ?? []),
        ]);
      }
      const outcome = await wire.settle(answer, path, fixture.apiVersion);
      check("the create operation succeeds", outcome.toLowerCase() === "succeeded", outcome);
    } else {
      throw new Error(
        `${fixture.type}: the create was refused (${answer.status} ${JSON.stringify(answer.body)}); later fixtures depend on it`,
      );
    }
  }

  // 2. Read everything back, once every resource exists, and run the types' own checks.
  for (const fixture of FIXTURES) {
    const check = recorder(fixture.type);
    const schema = schemaOf(fixture.type, fixture.apiVersion);
    const path = fixture.path(scenario);
    const read = () => wire.send("GET", path, fixture.apiVersion);
    const current = await read();
    check("GET: 200", current.status === 200, `${current.status}`);
    shapeChecks(fixture.type, "GET", current.body, schema?.resource);
    keyCoverage(fixture.type, "GET", current.body, [
      ...fixture.exampleKeys,
      ...(fixture.exampleKeysWhenBuilt ?? []),
    ]);
    for (const extra of fixture.extraChecks ?? []) {
      const seen = await extra.run({
        scenario,
        send: (method, target, body) => wire.send(method, target, fixture.apiVersion, body),
        put: (target, body) => putAndSettle(target, fixture.apiVersion, body),
        putAt: (target, apiVersion, body) => putAndSettle(target, apiVersion, body),
        removeAt: async (target, apiVersion) => {
          const removal = await wire.send("DELETE", target, apiVersion);
          if (removal.status < 300) await wire.settle(removal, target, apiVersion);
          return removal;
        },
        created: created.get(fixture) ?? current,
        read,
      });
      check(extra.name, seen === undefined, seen);
    }
  }

  // 3. Probe request validation on second resources (nothing is left half-made if a probe is accepted).
  for (const fixture of FIXTURES) {
    const check = recorder(fixture.type);
    const schema = schemaOf(fixture.type, fixture.apiVersion)?.resource;
    const body = (fixture.probeBody ?? fixture.body)(scenario);
    let probes = 0;
    const expectRefusal = async (
      name: string,
      probeBody: unknown,
      mention?: string,
      apiVersion = fixture.apiVersion,
    ) => {
      // A name of its own per probe (the last character replaced by a digit): a probe wrongly accepted
      // leaves nothing in the way of the next, soft-deleted vaults included.
      const base = fixture.probePath(scenario);
      const probePath = fixture.fixedName ? base : `${base.slice(0, -1)}${probes++ % 10}`;
      const answer = await wire.send("PUT", probePath, apiVersion, probeBody);
      if (answer.status < 300) {
        // Accepted where it should not be: undo it, so it leaves nothing in the way of later checks.
        await wire.settle(answer, probePath, apiVersion);
        const removal = await wire.send("DELETE", probePath, fixture.apiVersion);
        if (removal.status < 300) await wire.settle(removal, probePath, fixture.apiVersion);
      }
      const message = errorMessageOf(answer);
      const passed = answer.status === 400 && (mention === undefined || message.includes(mention));
      check(name, passed, `${answer.status} ${errorCodeOf(answer) ?? ""} ${message}`.trim());
    };
    await expectRefusal(
      "a request member the api-version does not define is refused (400, naming it)",
      { ...body, [PROBE_MEMBER]: true },
      PROBE_MEMBER,
    );
    if (typeof body.properties === "object" && body.properties !== null) {
      await expectRefusal(
        "a misspelt member inside properties is refused (400, naming its path)",
        { ...body, properties: { ...(body.properties as object), [PROBE_MEMBER]: "x" } },
        `properties.${PROBE_MEMBER}`,
      );
    }
    const scalar = schema ? firstScalar(body, schema) : undefined;
    if (scalar) {
      const wrong = scalar.kind === "string" ? 12345 : "not-a-" + scalar.kind;
      await expectRefusal(
        `a value of the wrong JSON type is refused (${scalar.path.join(".")})`,
        withValue(body, scalar.path, wrong),
        scalar.path.join("."),
      );
    }
    for (const required of schema ? requiredPaths(body, schema) : []) {
      if (required.length === 1 && required[0] === "location") continue; // LocationRequired has its own test
      await expectRefusal(
        `a create without the required member ${required.join(".")} is refused`,
        withValue(body, required, undefined),
        required.at(-1),
      );
    }
    await expectRefusal("an api-version the type does not have is refused", body, undefined, "2000-01-01");
  }

  // 4. Delete in reverse order.
  for (const fixture of [...FIXTURES].reverse()) {
    const check = recorder(fixture.type);
    const path = fixture.path(scenario);
    const answer = await wire.send("DELETE", path, fixture.apiVersion);
    if (!fixture.delete) {
      check(
        "DELETE: refused, the spec has no DELETE for the type (405)",
        answer.status === 405,
        `${answer.status}`,
      );
      continue;
    }
    operationChecks(check, "DELETE", answer, fixture.delete);
    if (answer.status < 300) await wire.settle(answer, path, fixture.apiVersion);
    if (fixture.type !== "Microsoft.Resources/resourceGroups") {
      const after = await wire.send("GET", path, fixture.apiVersion);
      check("GET after DELETE: 404", after.status === 404, `${after.status}`);
    }
    for (const extra of [...(prepared.get(fixture) ?? [])].reverse()) {
      const removal = await wire.send("DELETE", extra.path, extra.apiVersion);
      if (removal.status < 300) await wire.settle(removal, extra.path, extra.apiVersion);
    }
  }

  // 5. The deleted vault the vault fixture left.
  {
    const check = recorder(DELETED_VAULT_FIXTURE.type);
    const answer = await wire.send(
      "GET",
      DELETED_VAULT_FIXTURE.path(scenario),
      DELETED_VAULT_FIXTURE.apiVersion,
    );
    check("GET: 200", answer.status === 200, `${answer.status}`);
    shapeChecks(DELETED_VAULT_FIXTURE.type, "GET", answer.body, KEY_VAULT_SCHEMAS.deletedVault.resource);
    keyCoverage(DELETED_VAULT_FIXTURE.type, "GET", answer.body, DELETED_VAULT_FIXTURE.exampleKeys);
  }
  return { checks, coverage };
}

/** Every served type, in the order the figures are reported. */
export const REPORTED_TYPES: readonly string[] = [...FIXTURES.map((f) => f.type), DELETED_VAULT_FIXTURE.type];
