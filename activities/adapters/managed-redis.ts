/**
 * Adapters for Azure Managed Redis: the cluster (`Microsoft.Cache/redisEnterprise`) and its database.
 *
 * Why REST bodies through the SDK client's pipeline, not the SDK's models: the only published
 * `@azure/arm-redisenterprisecache` (2.2.0, Node ≥ 14, api-version 2022-01-01) is a track-2 HLC client
 * whose mappers predate Azure Managed Redis. Its serializer drops what they do not define —
 * `publicNetworkAccess` (which Azure requires on create), `highAvailability` and the database's
 * `accessKeysAuthentication` — and its deserializer drops them from what a GET returns, so a plan
 * compared with its answers would differ for ever. So:
 *
 * - the client is built at api-version 2026-09-01 (its `apiVersion` option rewrites every request's);
 * - GET, PUT (create) and PATCH (update) go through `client.sendRequest`: the same pipeline (token,
 *   retries, TLS), with the plan's REST-shaped body sent and the answer read as it is;
 * - what the models can express goes through the SDK: `redisEnterprise.beginDelete`,
 *   `databases.beginDelete` and `databases.listKeys` (`activities/key-vault-secrets.ts`);
 * - access-policy assignments (Entra ID users of a database), which the client does not know at all, are
 *   REST throughout: GET, PUT (create and update alike: the type has no PATCH) and DELETE.
 *
 * Tests check the bodies on the wire in the emulator's state (`test/activities/managed-redis.test.ts`).
 */
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { MANAGED_REDIS_API_VERSION, type AzureClients } from "../../lib/azure/clients";
import type { ResourceIdParts } from "../../lib/azure/resource-id";
import type { JsonObject, JsonValue, PlanNode } from "../../lib/plan/types";
import { nameAt } from "./shapes";
import type { ArmAdapter, SdkCallOptions } from "./types";

/** An ARM answer, its body parsed. */
interface ArmAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Sends one ARM request at {@link MANAGED_REDIS_API_VERSION} through the Managed Redis client's pipeline.
 * @param options - the step's `onResponse`, told of the answer as an SDK call would tell it
 * @throws RestError for an error answer (classified by the step like any SDK error)
 */
export async function managedRedisRequest(
  clients: AzureClients,
  method: "GET" | "PUT" | "PATCH" | "DELETE",
  resourceId: string,
  body?: JsonObject,
  options?: SdkCallOptions,
): Promise<ArmAnswer> {
  const origin = clients.config.armEndpoint ?? "https://management.azure.com";
  const request = createPipelineRequest({
    url: `${origin}${resourceId}?api-version=${MANAGED_REDIS_API_VERSION}`,
    method,
    headers: createHttpHeaders(body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await clients.managedRedis.sendRequest(request);
  let parsed: unknown = undefined;
  if (response.bodyAsText) {
    try {
      parsed = JSON.parse(response.bodyAsText);
    } catch {
      parsed = response.bodyAsText;
    }
  }
  options?.onResponse({ status: response.status, headers: response.headers, parsedBody: parsed });
  if (response.status >= 400) {
    const error = (parsed as { error?: { message?: string } } | undefined)?.error;
    throw new RestError(error?.message ?? `HTTP ${response.status}`, {
      statusCode: response.status,
      request,
      response,
    });
  }
  return { status: response.status, body: parsed };
}

/** `body` without the paths an update must not send (set at create only, or not patchable). */
function withoutPaths(body: JsonObject, paths: readonly string[]): JsonObject {
  const copy = structuredClone(body) as Record<string, JsonValue>;
  for (const path of paths) {
    const parts = path.split(".");
    let target: Record<string, JsonValue> | undefined = copy;
    for (const part of parts.slice(0, -1)) {
      const next: JsonValue | undefined = target?.[part];
      target =
        next !== null && typeof next === "object" && !Array.isArray(next) ? (next as never) : undefined;
    }
    if (target) delete target[parts.at(-1)!];
  }
  return copy;
}

/**
 * An adapter over REST bodies: GET, PUT on create, PATCH on update — a cluster PUT on an existing
 * cluster "overwrites/recreates, with potential downtime" (the REST spec), a PATCH changes only what it
 * names — and the SDK's delete.
 * @param notPatched - paths of `desired` a PATCH leaves out (`location`; a database's create-only `port`)
 * @param update - how an existing resource is changed: PATCH, or PUT for a type that has no PATCH
 */
function managedRedisAdapter(
  armType: string,
  notPatched: readonly string[],
  remove: (
    clients: AzureClients,
    id: ResourceIdParts,
    options: SdkCallOptions,
    node: PlanNode,
  ) => Promise<unknown>,
  extra: Pick<ArmAdapter, "facts"> = {},
  update: "PATCH" | "PUT" = "PATCH",
): ArmAdapter {
  return {
    armType,
    permissions: {
      actions: [
        `${armType}/read`,
        `${armType}/write`,
        `${armType}/delete`,
        // The REST spec's status monitor for every long-running operation of Managed Redis.
        "Microsoft.Cache/locations/operationsStatus/read",
      ],
    },
    ...extra,
    get: async (clients, _id, node) => (await managedRedisRequest(clients, "GET", node.id)).body,
    write: ({ clients, node, mode }, body, options) =>
      mode === "create" || update === "PUT"
        ? managedRedisRequest(clients, "PUT", node.id, body, options)
        : managedRedisRequest(clients, "PATCH", node.id, withoutPaths(body, notPatched), options),
    remove: (clients, id, options, node) => remove(clients, id, options, node),
  };
}

export const managedRedisClusterAdapter: ArmAdapter = managedRedisAdapter(
  "Microsoft.Cache/redisEnterprise",
  ["location"],
  (c, id, options) =>
    c.managedRedis.redisEnterprise.beginDelete(id.resourceGroup, nameAt(id.names, 0), options),
  // The host clients connect to, `<name>.<region>.redis.azure.net` (read-only).
  { facts: { host: ["properties.hostName"] } },
);

export const managedRedisDatabaseAdapter: ArmAdapter = managedRedisAdapter(
  "Microsoft.Cache/redisEnterprise/databases",
  ["properties.port"],
  (c, id, options) =>
    c.managedRedis.databases.beginDelete(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1), options),
);

/**
 * An access-policy assignment: a Microsoft Entra principal (the workload identity, `auth: entra`) made a
 * user of the database (docs/azure-facts.md#azure-managed-redis). REST for every call.
 */
export const managedRedisAccessPolicyAssignmentAdapter: ArmAdapter = managedRedisAdapter(
  "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments",
  [],
  (clients, _id, options, node) => managedRedisRequest(clients, "DELETE", node.id, undefined, options),
  {},
  "PUT",
);
