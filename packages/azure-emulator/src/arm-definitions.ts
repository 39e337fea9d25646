/**
 * How the provider applies a type's definition table (`ResourceTypeSpec.schemas`) to a request: which
 * api-versions are served, what a request body may carry (ARM refuses what the api-version does not
 * define), and what of it the service keeps. Types without a table keep the lenient handling they had.
 */
import {
  requestProblems,
  storedPart,
  type ApiVersionSchema,
  type BodyProblem,
  type ObjectSchema,
} from "./arm-schema/index.js";
import { ArmError, badRequest } from "./errors.js";
import type { ResourceTypeSpec } from "./resource-type.js";

/**
 * The definition of `apiVersion` for a type that declares its tables; undefined for a type that has none.
 * A type with tables refuses other api-versions as ARM does when no provider registers the version.
 */
export function servedDefinition(spec: ResourceTypeSpec, apiVersion: string): ApiVersionSchema | undefined {
  if (!spec.schemas || spec.schemas.length === 0) return undefined;
  const found = spec.schemas.find((schema) => schema.apiVersion === apiVersion);
  if (found) return found;
  const [namespace, ...rest] = spec.type.split("/");
  throw badRequest(
    "NoRegisteredProviderFound",
    `No registered resource provider found for API version '${apiVersion}' and type '${rest.join("/")}' of namespace '${namespace ?? ""}'. The supported api-versions are '${spec.schemas.map((s) => s.apiVersion).join(", ")}'.`,
  );
}

/** The definition a request body is read against: PATCH bodies have their own when the spec gives one. */
export function requestDefinition(definition: ApiVersionSchema, method: "PUT" | "PATCH"): ObjectSchema {
  return method === "PATCH" ? (definition.patch ?? definition.resource) : definition.resource;
}

function refusal(problem: BodyProblem): ArmError {
  const what =
    problem.kind === "unknown-member"
      ? `Could not find member '${problem.path.split(".").at(-1) ?? ""}' on object of type '${problem.definition}'. Path '${problem.path}'.`
      : problem.kind === "wrong-type"
        ? `Error converting value ${JSON.stringify(problem.value)} to type '${problem.expected ?? ""}'. Path '${problem.path}'.`
        : `Required property '${problem.path.split(".").at(-1) ?? ""}' not found in JSON. Path '${problem.path}'.`;
  const detailCode =
    problem.kind === "unknown-member"
      ? "UnrecognizedProperty"
      : problem.kind === "wrong-type"
        ? "InvalidPropertyValue"
        : "MissingRequiredProperty";
  return new ArmError(
    400,
    "InvalidRequestContent",
    `The request content was invalid and could not be deserialized: '${what}'`,
    {},
    { target: problem.path, details: [{ code: detailCode, message: what, target: problem.path }] },
  );
}

/**
 * Refuses a body with members the definition lacks or values of the wrong JSON type (400
 * `InvalidRequestContent` naming the path, with an `UnrecognizedProperty` / `InvalidPropertyValue`
 * detail), as ARM does before any resource provider sees the request.
 */
export function refuseUndefinedMembers(body: Record<string, unknown>, definition: ObjectSchema): void {
  const problem = requestProblems(body, definition, { requireMembers: false })[0];
  if (problem) throw refusal(problem);
}

/**
 * Refuses a create or replace (PUT) without a member the definition requires. `location` is left to the
 * provider's own check (`LocationRequired`).
 */
export function refuseMissingRequired(body: Record<string, unknown>, definition: ObjectSchema): void {
  const problem = requestProblems(body, definition, { requireMembers: true }).find(
    (p) => p.kind === "missing-required" && p.path !== "location",
  );
  if (problem) throw refusal(problem);
}

/**
 * What the service keeps of a request body: members the definition has, without read-only (the
 * service's) and write-only (never answered) ones; `location` normalized as ARM answers it
 * (`East US` → `eastus`).
 */
export function keptBody(body: Record<string, unknown>, definition: ObjectSchema): Record<string, unknown> {
  const kept = storedPart(body, definition);
  if (typeof kept.location === "string") kept.location = normalizeLocation(kept.location);
  return kept;
}

/** `East US` → `eastus`: how ARM writes a location back. */
export const normalizeLocation = (location: string): string => location.replace(/\s+/g, "").toLowerCase();

/** The members a definition has at the top level (to decide which envelope members an answer carries). */
export function topLevelMembers(definition: ApiVersionSchema | undefined): ReadonlySet<string> | undefined {
  return definition ? new Set(Object.keys(definition.resource.properties)) : undefined;
}

/** True when the definition's `properties` has `member`. */
export function definesProperty(definition: ApiVersionSchema | undefined, member: string): boolean {
  const properties = definition?.resource.properties.properties;
  return properties?.kind === "object" && member in properties.properties;
}
