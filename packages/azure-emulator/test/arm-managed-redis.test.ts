/**
 * Azure Managed Redis (`Microsoft.Cache/redisEnterprise` and its databases) as the REST API describes
 * it: the long-running-operation answers of PUT, PATCH and DELETE on the wire, validation, read-only
 * fields, the database's create-only properties and `listKeys`, the private endpoint's group id — and
 * Azure Cache for Redis refusing a new customer's create when told to.
 */
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { RedisEnterpriseManagementClient } from "@azure/arm-redisenterprisecache";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, redisBody, resourceId, subnetId, type ArmClients } from "./fixtures.js";
import {
  clientOptions,
  credential,
  errorCode,
  headerOf,
  jsonRequest,
  startTestEmulator,
  SUBSCRIPTION_ID,
  type RawAnswer,
} from "./harness.js";

const API = "api-version=2026-09-01";
const rg = "rg-amr";

let emulator: RunningEmulator;
let clients: ArmClients;
/** The SDK's management client, run at the current api-version (its own default is 2022-01-01). */
let amr: RedisEnterpriseManagementClient;

const clusterPath = (name: string, group = rg) =>
  `${resourceId(group, `Microsoft.Cache/redisEnterprise/${name}`)}?${API}`;
const databasePath = (cluster: string, database = "default") =>
  `${resourceId(rg, `Microsoft.Cache/redisEnterprise/${cluster}/databases/${database}`)}?${API}`;

const clusterBody = (extra: Record<string, unknown> = {}) => ({
  location: LOCATION,
  sku: { name: "Balanced_B3" },
  properties: { publicNetworkAccess: "Disabled", ...extra },
});

const send = (method: string, path: string, body?: unknown): Promise<RawAnswer> =>
  jsonRequest(emulator, method, path, body);

interface Resource {
  name: string;
  kind?: string;
  properties: Record<string, unknown>;
}

/** GETs `path` until its provisioningState is settled; bounded. */
async function settled(path: string): Promise<Resource> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const answer = await send("GET", path);
    const resource = answer.body as Resource;
    const state = resource.properties?.provisioningState;
    if (state === "Succeeded" || state === "Failed") return resource;
    await delay(20);
  }
  throw new Error(`${path} never settled`);
}

/** Creates a cluster and waits for it. */
async function createCluster(name: string, extra: Record<string, unknown> = {}): Promise<Resource> {
  const answer = await send("PUT", clusterPath(name), clusterBody(extra));
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return settled(clusterPath(name));
}

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
  amr = new RedisEnterpriseManagementClient(credential, SUBSCRIPTION_ID, {
    ...clientOptions(emulator),
    apiVersion: "2026-09-01",
  });
  await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
});
beforeEach(() => emulator.admin.clearFaults());
after(() => emulator.stop());

describe("Azure Managed Redis clusters", () => {
  test("PUT answers 201 with Azure-AsyncOperation and Retry-After, and the final state is read from the resource", async () => {
    const answer = await send("PUT", clusterPath("amr-lro"), clusterBody());
    assert.equal(answer.status, 201);
    assert.match(headerOf(answer, "azure-asyncoperation") ?? "", /\/operationStatuses\/[0-9a-f-]{36}\?/);
    assert.ok(headerOf(answer, "retry-after") !== undefined, "Retry-After is sent");
    assert.equal(
      headerOf(answer, "location"),
      undefined,
      "no Location: the client reads the resource itself",
    );
    assert.equal((answer.body as Resource).properties.provisioningState, "Creating");
    const status = await send("GET", headerOf(answer, "azure-asyncoperation")!);
    assert.equal(status.status, 200);
    const cluster = await settled(clusterPath("amr-lro"));
    assert.equal(cluster.properties.provisioningState, "Succeeded");
    assert.equal(cluster.properties.resourceState, "Running");
  });

  test("fills the service's defaults and read-only fields: HA on and zone-redundant, TLS 1.2, the regional host name", async () => {
    const cluster = await createCluster("amr-defaults");
    assert.equal(cluster.properties.highAvailability, "Enabled");
    assert.equal(cluster.properties.redundancyMode, "ZR");
    assert.equal(cluster.properties.minimumTlsVersion, "1.2");
    assert.equal(cluster.properties.publicNetworkAccess, "Disabled");
    assert.equal(cluster.properties.hostName, `amr-defaults.${LOCATION}.redis.azure.net`);
  });

  test("hostName is read-only: a value sent in the body is ignored", async () => {
    const answer = await send("PUT", clusterPath("amr-host"), {
      ...clusterBody({ hostName: "elsewhere.example.com" }),
    });
    assert.equal(answer.status, 201);
    const cluster = await settled(clusterPath("amr-host"));
    assert.equal(cluster.properties.hostName, `amr-host.${LOCATION}.redis.azure.net`);
  });

  test("PATCH answers 202 with Azure-AsyncOperation, Location and Retry-After; the change applies", async () => {
    await createCluster("amr-patch");
    const answer = await send("PATCH", clusterPath("amr-patch"), {
      properties: { highAvailability: "Disabled" },
    });
    assert.equal(answer.status, 202);
    assert.equal(answer.body, undefined);
    assert.match(headerOf(answer, "azure-asyncoperation") ?? "", /\/operationStatuses\//);
    assert.match(headerOf(answer, "location") ?? "", /\/operationResults\//);
    assert.ok(headerOf(answer, "retry-after") !== undefined);
    const cluster = await settled(clusterPath("amr-patch"));
    assert.equal(cluster.properties.highAvailability, "Disabled");
    assert.equal(cluster.properties.redundancyMode, "None");
    assert.equal(cluster.properties.publicNetworkAccess, "Disabled", "PATCH keeps what it does not name");
  });

  test("DELETE answers 202 with Azure-AsyncOperation and Location, then the cluster is gone", async () => {
    await createCluster("amr-delete");
    const answer = await send("DELETE", clusterPath("amr-delete"));
    assert.equal(answer.status, 202);
    assert.ok(headerOf(answer, "azure-asyncoperation"));
    assert.ok(headerOf(answer, "location"));
    for (let attempt = 0; ; attempt++) {
      const get = await send("GET", clusterPath("amr-delete"));
      if (get.status === 404) break;
      assert.ok(attempt < 200, "deleted in time");
      await delay(20);
    }
  });

  test("fails a create without sku.name, with an unknown SKU, or without publicNetworkAccess", async () => {
    const noSku = await send("PUT", clusterPath("amr-nosku"), {
      location: LOCATION,
      properties: { publicNetworkAccess: "Disabled" },
    });
    assert.equal(noSku.status, 400);
    assert.equal(errorCode(noSku), "InvalidRequestContent");
    const badSku = await send("PUT", clusterPath("amr-badsku"), {
      ...clusterBody(),
      sku: { name: "Standard_C2" },
    });
    assert.equal(badSku.status, 400);
    assert.match(JSON.stringify(badSku.body), /not an Azure Managed Redis SKU/);
    const noAccess = await send("PUT", clusterPath("amr-noaccess"), {
      location: LOCATION,
      sku: { name: "Balanced_B0" },
      properties: {},
    });
    assert.equal(noAccess.status, 400);
    assert.match(JSON.stringify(noAccess.body), /publicNetworkAccess/);
  });

  test("fails a new Enterprise cluster as Azure has since 2026-04-01, naming Azure Managed Redis", async () => {
    const answer = await send("PUT", clusterPath("amr-enterprise"), {
      ...clusterBody(),
      sku: { name: "Enterprise_E10", capacity: 2 },
    });
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "BadRequest");
    assert.match(JSON.stringify(answer.body), /no longer supported.*create Azure Managed Redis instead/);
  });

  test("fails TLS versions older than 1.2", async () => {
    const answer = await send("PUT", clusterPath("amr-tls"), clusterBody({ minimumTlsVersion: "1.0" }));
    assert.equal(answer.status, 400);
  });

  test("fails names outside 1-60 letters, digits and single hyphens", async () => {
    for (const name of ["double--hyphen", "-leading", "trailing-", "a".repeat(61), "under_score"]) {
      const answer = await send("PUT", clusterPath(name), clusterBody());
      assert.equal(answer.status, 400, name);
      assert.equal(errorCode(answer), "InvalidResourceName", name);
    }
    assert.equal((await send("PUT", clusterPath("a".repeat(60)), clusterBody())).status, 201);
  });

  test("fails a name taken in the same region (the host name is regional), allows it in another region", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-amr-other", { location: LOCATION });
    await createCluster("amr-taken");
    const sameRegion = await send("PUT", clusterPath("amr-taken", "rg-amr-other"), clusterBody());
    assert.equal(sameRegion.status, 409);
    assert.equal(errorCode(sameRegion), "NameNotAvailable");
    const otherRegion = await send("PUT", clusterPath("amr-taken", "rg-amr-other"), {
      ...clusterBody(),
      location: "westeurope",
    });
    assert.equal(otherRegion.status, 201);
  });

  test("the SDK's 2022-01-01 models drop publicNetworkAccess, so its create is refused as Azure refuses it", async () => {
    const before = emulator.admin.requestLog().length;
    await assert.rejects(
      amr.redisEnterprise.beginCreateAndWait(
        rg,
        "amr-sdk",
        {
          location: LOCATION,
          sku: { name: "Balanced_B3" },
          // Not in the SDK's Cluster model: the serializer leaves it out of the request.
          ...({ publicNetworkAccess: "Disabled" } as object),
        },
        poll,
      ),
      (error: { statusCode?: number; message?: string }) => {
        assert.equal(error.statusCode, 400);
        assert.match(error.message ?? "", /publicNetworkAccess/);
        return true;
      },
    );
    const sent = emulator.admin
      .requestLog()
      .slice(before)
      .find((entry) => entry.method === "PUT");
    assert.match(sent?.path ?? "", /redisEnterprise\/amr-sdk$/);
  });
});

describe("Azure Managed Redis databases", () => {
  before(() => createCluster("amr-db"));

  test("PUT answers 201 with Azure-AsyncOperation; defaults: encrypted protocol, port 10000, OSS cluster, access keys off", async () => {
    const answer = await send("PUT", databasePath("amr-db"), { properties: {} });
    assert.equal(answer.status, 201);
    assert.ok(headerOf(answer, "azure-asyncoperation"));
    const database = await settled(databasePath("amr-db"));
    assert.equal(database.properties.clientProtocol, "Encrypted");
    assert.equal(database.properties.port, 10000);
    assert.equal(database.properties.clusteringPolicy, "OSSCluster");
    assert.equal(database.properties.evictionPolicy, "VolatileLRU");
    assert.equal(database.properties.accessKeysAuthentication, "Disabled");
  });

  test("databases.listKeys returns the keys, which no GET shows", async () => {
    const keys = await amr.databases.listKeys(rg, "amr-db", "default");
    assert.ok((keys.primaryKey ?? "").length >= 32);
    assert.notEqual(keys.primaryKey, keys.secondaryKey);
    const get = await send("GET", databasePath("amr-db"));
    assert.equal(JSON.stringify(get.body).includes(keys.primaryKey!), false);
    const listKeys = emulator.admin
      .requestLog()
      .filter((entry) => entry.method === "POST" && /\/listKeys$/i.test(entry.path));
    assert.ok(listKeys.length > 0, "the SDK called listKeys");
    assert.equal(listKeys.at(-1)?.apiVersion, "2026-09-01", "at the api-version the client was given");
  });

  test("PATCH changes an updatable property (access keys), answering 202 with both LRO headers", async () => {
    const answer = await send("PATCH", databasePath("amr-db"), {
      properties: { accessKeysAuthentication: "Enabled" },
    });
    assert.equal(answer.status, 202);
    assert.ok(headerOf(answer, "azure-asyncoperation"));
    assert.ok(headerOf(answer, "location"));
    const database = await settled(databasePath("amr-db"));
    assert.equal(database.properties.accessKeysAuthentication, "Enabled");
  });

  test("fails a change of a create-only property (port) and of the clustering policy", async () => {
    // `port` has Read/Create visibility: the PATCH model (DatabaseUpdate) does not define it at all.
    const patched = await send("PATCH", databasePath("amr-db"), { properties: { port: 10001 } });
    assert.equal(patched.status, 400);
    assert.equal(errorCode(patched), "InvalidRequestContent");
    assert.match(JSON.stringify(patched.body), /Could not find member 'port'.*Path 'properties\.port'/);
    // A PUT on the existing database may carry it, but not change it.
    const port = await send("PUT", databasePath("amr-db"), {
      properties: { clientProtocol: "Encrypted", port: 10001, clusteringPolicy: "OSSCluster" },
    });
    assert.equal(port.status, 400);
    assert.match(JSON.stringify(port.body), /properties\.port.*only be set when the database is created/);
    const policy = await send("PATCH", databasePath("amr-db"), {
      properties: { clusteringPolicy: "EnterpriseCluster" },
    });
    assert.equal(policy.status, 400);
    assert.match(JSON.stringify(policy.body), /clustering policy OSSCluster cannot be changed/);
  });

  test("a NoCluster database may change its clustering policy", async () => {
    await createCluster("amr-nocluster");
    await send("PUT", databasePath("amr-nocluster"), { properties: { clusteringPolicy: "NoCluster" } });
    await settled(databasePath("amr-nocluster"));
    const answer = await send("PATCH", databasePath("amr-nocluster"), {
      properties: { clusteringPolicy: "OSSCluster" },
    });
    assert.equal(answer.status, 202);
  });

  test("fails a second database: a cluster holds one", async () => {
    const answer = await send("PUT", databasePath("amr-db", "second"), { properties: {} });
    assert.equal(answer.status, 400);
    assert.match(JSON.stringify(answer.body), /holds one database/);
  });
});

describe("Azure Managed Redis access-policy assignments", () => {
  const OBJECT_ID = "6d1f3c2a-4b5e-4f60-8a71-92b3c4d5e6f7";
  const assignmentPath = (name: string) =>
    `${resourceId(rg, `Microsoft.Cache/redisEnterprise/amr-apa/databases/default/accessPolicyAssignments/${name}`)}?${API}`;

  before(async () => {
    await createCluster("amr-apa");
    const answer = await send("PUT", databasePath("amr-apa"), { properties: {} });
    assert.equal(answer.status, 201);
    await settled(databasePath("amr-apa"));
  });

  test("PUT answers 201 with Azure-AsyncOperation; the user's object id is kept, accessPolicyName answered default, accessString +@all ~*", async () => {
    const answer = await send("PUT", assignmentPath("workload"), {
      properties: { accessPolicyName: "default", user: { objectId: OBJECT_ID } },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.ok(headerOf(answer, "azure-asyncoperation"));
    const assignment = await settled(assignmentPath("workload"));
    assert.deepEqual(assignment.properties.user, { objectId: OBJECT_ID });
    assert.equal(assignment.properties.accessPolicyName, "default");
    assert.equal(assignment.properties.accessString, "+@all ~*");
  });

  test("a second PUT replaces it (the type has no PATCH), answering 200", async () => {
    const answer = await send("PUT", assignmentPath("workload"), {
      properties: { user: { objectId: OBJECT_ID }, accessString: "+@read ~*" },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const assignment = await settled(assignmentPath("workload"));
    assert.equal(assignment.properties.accessString, "+@read ~*");
  });

  test("fails a name outside 1-60 letters and digits, and a body without user", async () => {
    const hyphenated = await send("PUT", assignmentPath("work-load"), {
      properties: { user: { objectId: OBJECT_ID } },
    });
    assert.equal(hyphenated.status, 400);
    const noUser = await send("PUT", assignmentPath("nouser"), {
      properties: { accessPolicyName: "default" },
    });
    assert.equal(noUser.status, 400);
    assert.equal(errorCode(noUser), "InvalidRequestContent", JSON.stringify(noUser.body));
  });

  test("fails an assignment under a database that does not exist", async () => {
    const answer = await send(
      "PUT",
      `${resourceId(rg, "Microsoft.Cache/redisEnterprise/amr-none/databases/default/accessPolicyAssignments/workload")}?${API}`,
      { properties: { user: { objectId: OBJECT_ID } } },
    );
    assert.equal(answer.status, 404);
  });

  test("DELETE answers 202 with Azure-AsyncOperation and Location, then the assignment is gone", async () => {
    const answer = await send("DELETE", assignmentPath("workload"));
    assert.equal(answer.status, 202);
    assert.ok(headerOf(answer, "azure-asyncoperation"));
    assert.ok(headerOf(answer, "location"));
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await send("GET", assignmentPath("workload"))).status === 404) return;
      await delay(20);
    }
    assert.fail("the assignment was never deleted");
  });
});

describe("private endpoints to Azure Managed Redis", () => {
  const vnet = "vnet-amr";
  before(async () => {
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      vnet,
      { location: LOCATION, addressSpace: { addressPrefixes: ["10.5.0.0/16"] } },
      poll,
    );
    await clients.network.subnets.beginCreateOrUpdateAndWait(
      rg,
      vnet,
      "pe",
      { addressPrefix: "10.5.1.0/24", privateEndpointNetworkPolicies: "Disabled" },
      poll,
    );
    await createCluster("amr-pe");
  });

  const endpoint = (groupIds: string[]) => ({
    location: LOCATION,
    subnet: { id: subnetId(rg, vnet, "pe") },
    privateLinkServiceConnections: [
      {
        name: "amr",
        privateLinkServiceId: resourceId(rg, "Microsoft.Cache/redisEnterprise/amr-pe"),
        groupIds,
      },
    ],
  });

  test("connects with group id redisEnterprise, and the cluster lists the connection", async () => {
    const created = await clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
      rg,
      "pe-amr",
      endpoint(["redisEnterprise"]),
      poll,
    );
    assert.equal(created.provisioningState, "Succeeded");
    const cluster = (await send("GET", clusterPath("amr-pe"))).body as Resource;
    const connections = cluster.properties.privateEndpointConnections as {
      properties: { privateEndpoint: { id: string } };
    }[];
    assert.deepEqual(
      connections.map((c) => c.properties.privateEndpoint.id.toLowerCase()),
      [created.id!.toLowerCase()],
    );
  });

  test("fails Azure Cache for Redis' group id redisCache on an Azure Managed Redis cluster", async () => {
    await assert.rejects(
      clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
        rg,
        "pe-amr-wrong",
        endpoint(["redisCache"]),
        poll,
      ),
      (error: { code?: string; message?: string }) => {
        assert.equal(error.code, "InvalidPrivateLinkGroupId");
        assert.match(error.message ?? "", /redisEnterprise/);
        return true;
      },
    );
  });
});

describe("Azure Cache for Redis and new customers", () => {
  const refusedForNewCustomers = {
    match: { resourceType: "Microsoft.Cache/redis" },
    effect: { kind: "new-customer-create-refused" },
  };

  test("creates as before when the tenant is not a new customer (the default)", async () => {
    const cache = await clients.redis.redis.beginCreateAndWait(rg, "acr-allowed", redisBody, poll);
    assert.equal(cache.provisioningState, "Succeeded");
  });

  test("fails a new customer's create with 400 BadRequest naming Azure Managed Redis; updates of existing caches go on", async () => {
    await clients.redis.redis.beginCreateAndWait(rg, "acr-existing", redisBody, poll);
    emulator.admin.addFaults([refusedForNewCustomers]);
    await assert.rejects(
      clients.redis.redis.beginCreateAndWait(rg, "acr-refused", redisBody, poll),
      (error: { statusCode?: number; code?: string; message?: string }) => {
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, "BadRequest");
        assert.match(error.message ?? "", /no longer supported.*create Azure Managed Redis instead/);
        return true;
      },
    );
    await assert.rejects(clients.redis.redis.get(rg, "acr-refused"), { statusCode: 404 });
    const updated = await clients.redis.redis.beginUpdateAndWait(
      rg,
      "acr-existing",
      { tags: { still: "running" } },
      poll,
    );
    assert.deepEqual(updated.tags, { still: "running" });
    assert.equal(emulator.admin.listFaults().length, 1, "the tenant stays a new customer");
  });
});
