/**
 * Subscriptions as ARM sees them, through the real SDK clients where one exists: the subscription read,
 * providers and their registration, the caller's permissions, name availability of the globally named
 * types, AKS versions, resource SKUs with their restrictions, usages and PostgreSQL capabilities — each
 * with the admin setting that makes Azure refuse, and the refusals ARM answers for a subscription's sake.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { ResourceManagementClient } from "@azure/arm-resources";
import { NetworkManagementClient } from "@azure/arm-network";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { RedisManagementClient } from "@azure/arm-rediscache";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { EmulatorCredential } from "../src/credential.js";
import type { RunningEmulator } from "../src/index.js";
import { LOCATION, poll, vaultBody } from "./fixtures.js";
import {
  clientOptions,
  credential,
  errorCode,
  rawRequest,
  startTestEmulator,
  TENANT_ID,
  TEST_TIME_SCALE,
} from "./harness.js";

const SUB = "5ab5ab5a-0000-4000-8000-000000000001";
const OTHER = "5ab5ab5a-0000-4000-8000-000000000002";

let emulator: RunningEmulator;
const clientsFor = (subscriptionId: string, as = credential) => {
  const options = clientOptions(emulator);
  return {
    subscriptions: new SubscriptionClient(as, options),
    resources: new ResourceManagementClient(as, subscriptionId, options),
    network: new NetworkManagementClient(as, subscriptionId, options),
    keyVault: new KeyVaultManagementClient(as, subscriptionId, options),
    postgres: new PostgreSQLManagementFlexibleServerClient(as, subscriptionId, options),
    redis: new RedisManagementClient(as, subscriptionId, options),
    aks: new ContainerServiceClient(as, subscriptionId, options),
    authorization: new AuthorizationManagementClient(as, subscriptionId, options),
  };
};

before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.stop());

/** A RestError's code and status, for assertions on refusals. */
async function refusal(call: Promise<unknown>): Promise<{ code?: string; statusCode?: number }> {
  try {
    await call;
  } catch (error) {
    const { code, statusCode } = error as { code?: string; statusCode?: number };
    return { code, statusCode };
  }
  assert.fail("the call was not refused");
}

describe("subscriptions", () => {
  test("every subscription exists, Enabled, in the identity's tenant; settings change its state and tenant", async () => {
    const { subscriptions } = clientsFor(SUB);
    const sub = await subscriptions.subscriptions.get(SUB);
    assert.deepEqual([sub.subscriptionId, sub.state, sub.tenantId], [SUB, "Enabled", TENANT_ID]);
    emulator.admin.configureSubscriptions({ subscriptions: { [OTHER]: { state: "Disabled" } } });
    assert.equal((await subscriptions.subscriptions.get(OTHER)).state, "Disabled");
    emulator.admin.clearSubscriptionSettings();
  });

  test("fails every request to a subscription of another tenant with 401 InvalidAuthenticationTokenTenant", async () => {
    const elsewhere = "7e7e7e7e-0000-4000-8000-000000000007";
    emulator.admin.configureSubscriptions({ subscriptions: { [OTHER]: { tenantId: elsewhere } } });
    try {
      const { resources } = clientsFor(OTHER);
      assert.deepEqual(
        await refusal(resources.resourceGroups.createOrUpdate("rg-x", { location: LOCATION })),
        {
          code: "InvalidAuthenticationTokenTenant",
          statusCode: 401,
        },
      );
      // A token of that tenant is accepted.
      const there = clientsFor(OTHER, new EmulatorCredential({ tenantId: elsewhere }));
      await there.resources.resourceGroups.createOrUpdate("rg-x", { location: LOCATION });
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("fails writes to a disabled subscription with 409 ReadOnlyDisabledSubscription; reads still answer", async () => {
    emulator.admin.configureSubscriptions({ subscriptions: { [SUB]: { state: "Disabled" } } });
    try {
      const { resources } = clientsFor(SUB);
      assert.deepEqual(
        await refusal(resources.resourceGroups.createOrUpdate("rg-d", { location: LOCATION })),
        {
          code: "ReadOnlyDisabledSubscription",
          statusCode: 409,
        },
      );
      assert.equal((await refusal(resources.resourceGroups.get("rg-d"))).code, "ResourceGroupNotFound");
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });
});

describe("resource providers", () => {
  test("are registered by default; an unregistered one refuses writes with MissingSubscriptionRegistration", async () => {
    const { resources, network } = clientsFor(SUB);
    assert.equal((await resources.providers.get("Microsoft.Network")).registrationState, "Registered");
    await resources.resourceGroups.createOrUpdate("rg-p", { location: LOCATION });
    emulator.admin.configureSubscriptions({ providers: { [SUB]: { "Microsoft.Network": "NotRegistered" } } });
    try {
      assert.equal((await resources.providers.get("Microsoft.Network")).registrationState, "NotRegistered");
      assert.deepEqual(
        await refusal(
          network.networkSecurityGroups.beginCreateOrUpdateAndWait(
            "rg-p",
            "nsg",
            { location: LOCATION },
            poll,
          ),
        ),
        { code: "MissingSubscriptionRegistration", statusCode: 409 },
      );
      // Registering takes a while (scaled), then writes go through.
      const registering = await resources.providers.register("Microsoft.Network");
      assert.equal(registering.registrationState, "Registering");
      await new Promise((resolve) => setTimeout(resolve, 60_000 * TEST_TIME_SCALE + 20));
      assert.equal((await resources.providers.get("Microsoft.Network")).registrationState, "Registered");
      await network.networkSecurityGroups.beginCreateOrUpdateAndWait(
        "rg-p",
        "nsg",
        { location: LOCATION },
        poll,
      );
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("refuse to unregister Microsoft.Resources or Microsoft.Authorization", () => {
    assert.throws(() =>
      emulator.admin.configureSubscriptions({
        providers: { [SUB]: { "Microsoft.Authorization": "NotRegistered" } },
      }),
    );
  });
});

describe("permissions", () => {
  test("list everything (*) by default, and what a setting restricts them to, enforced on writes", async () => {
    const { authorization, resources } = clientsFor(SUB);
    await resources.resourceGroups.createOrUpdate("rg-perm", { location: LOCATION });
    const all = [];
    for await (const permission of authorization.permissions.listForResourceGroup("rg-perm"))
      all.push(permission);
    assert.deepEqual(all[0]?.actions, ["*"]);
    emulator.admin.configureSubscriptions({
      permissions: { [SUB]: [{ actions: ["*/read", "Microsoft.Resources/subscriptions/resourceGroups/*"] }] },
    });
    try {
      const listed = await rawRequest(
        emulator,
        "GET",
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
      );
      assert.deepEqual((listed.body as { value: { actions: string[] }[] }).value[0]?.actions, [
        "*/read",
        "Microsoft.Resources/subscriptions/resourceGroups/*",
      ]);
      const answer = await rawRequest(
        emulator,
        "PUT",
        `/subscriptions/${SUB}/resourceGroups/rg-perm/providers/Microsoft.Network/networkSecurityGroups/n?api-version=2024-05-01`,
        { body: JSON.stringify({ location: LOCATION }) },
      );
      assert.equal(answer.status, 403);
      assert.equal(errorCode(answer), "AuthorizationFailed");
      assert.match(JSON.stringify(answer.body), /Microsoft\.Network\/networkSecurityGroups\/write/);
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("fail the resource group's list for a group that does not exist with 404", async () => {
    const answer = await rawRequest(
      emulator,
      "GET",
      `/subscriptions/${SUB}/resourceGroups/rg-none/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
    );
    assert.equal(errorCode(answer), "ResourceGroupNotFound");
  });
});

describe("name availability of globally named types", () => {
  test("Key Vault: available, taken in another subscription, held by a soft-deleted vault, invalid", async () => {
    const here = clientsFor(SUB).keyVault;
    const check = (name: string) =>
      here.vaults.checkNameAvailability({ name, type: "Microsoft.KeyVault/vaults" });
    assert.equal((await check("kv-free-1234")).nameAvailable, true);
    const there = clientsFor(OTHER);
    await there.resources.resourceGroups.createOrUpdate("rg-kv", { location: LOCATION });
    await there.keyVault.vaults.createOrUpdate("rg-kv", "kv-taken-1234", vaultBody(), poll).submitted();
    assert.deepEqual(
      [(await check("kv-taken-1234")).nameAvailable, (await check("kv-taken-1234")).reason],
      [false, "AlreadyExists"],
    );
    await there.keyVault.vaults.createOrUpdate("rg-kv", "kv-deleted-123", vaultBody(), poll).submitted();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await there.keyVault.vaults.delete("rg-kv", "kv-deleted-123");
    assert.equal((await check("kv-deleted-123")).nameAvailable, false);
    assert.equal((await check("1-invalid")).reason, "AccountNameInvalid");
  });

  test("a soft-deleted vault is seen, and recovered, only from its own subscription; elsewhere its name is taken", async () => {
    const here = clientsFor(SUB);
    assert.deepEqual(await refusal(here.keyVault.vaults.getDeleted("kv-deleted-123", LOCATION)), {
      code: "ResourceNotFound",
      statusCode: 404,
    });
    await here.resources.resourceGroups.createOrUpdate("rg-kv", { location: LOCATION });
    assert.equal(
      (
        await refusal(
          here.keyVault.vaults.createOrUpdate("rg-kv", "kv-deleted-123", vaultBody(), poll).submitted(),
        )
      ).code,
      "VaultAlreadyExists",
    );
    const there = clientsFor(OTHER);
    assert.equal((await there.keyVault.vaults.getDeleted("kv-deleted-123", LOCATION)).name, "kv-deleted-123");
  });

  test("PostgreSQL flexible server and Redis: taken by a setting (a name held outside the emulator)", async () => {
    const { postgres, redis, resources } = clientsFor(SUB);
    const pg = (name: string) =>
      postgres.nameAvailability.checkWithLocation(LOCATION, {
        name,
        type: "Microsoft.DBforPostgreSQL/flexibleServers",
      });
    assert.equal((await pg("pg-free-1234")).nameAvailable, true);
    await redis.redis.checkNameAvailability({ name: "redis-free-1234", type: "Microsoft.Cache/redis" });
    emulator.admin.configureSubscriptions({
      takenNames: [
        { type: "Microsoft.DBforPostgreSQL/flexibleServers", name: "pg-held-1234" },
        { type: "Microsoft.Cache/redis", name: "redis-held-1234" },
      ],
    });
    try {
      const held = await pg("pg-held-1234");
      assert.deepEqual([held.nameAvailable, held.reason], [false, "AlreadyExists"]);
      assert.deepEqual(
        await refusal(
          redis.redis.checkNameAvailability({ name: "redis-held-1234", type: "Microsoft.Cache/redis" }),
        ),
        { code: "NameNotAvailable", statusCode: 409 },
      );
      // Creating it is refused as the type refuses a taken name.
      await resources.resourceGroups.createOrUpdate("rg-held", { location: LOCATION });
      const put = await rawRequest(
        emulator,
        "PUT",
        `/subscriptions/${SUB}/resourceGroups/rg-held/providers/Microsoft.Cache/redis/redis-held-1234?api-version=2024-11-01`,
        {
          body: JSON.stringify({
            location: LOCATION,
            properties: { sku: { name: "Standard", family: "C", capacity: 1 } },
          }),
        },
      );
      assert.equal(put.status, 409);
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });
});

describe("name availability of container registries and storage accounts", () => {
  /** The subscription-level check of `namespace` for `name`, through the REST API (as the SDKs send it). */
  const check = async (subscriptionId: string, namespace: string, type: string, name: string) => {
    const answer = await rawRequest(
      emulator,
      "POST",
      `/subscriptions/${subscriptionId}/providers/${namespace}/checkNameAvailability?api-version=2025-01-01`,
      { body: JSON.stringify({ name, type }) },
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as { nameAvailable: boolean; reason?: string; message?: string };
  };
  const registry = (name: string, subscriptionId = SUB) =>
    check(subscriptionId, "Microsoft.ContainerRegistry", "Microsoft.ContainerRegistry/registries", name);
  const account = (name: string, subscriptionId = SUB) =>
    check(subscriptionId, "Microsoft.Storage", "Microsoft.Storage/storageAccounts", name);
  /** Creates `path` (a registry or account of `subscriptionId`, with its api-version) in resource group `group`. */
  const create = async (subscriptionId: string, group: string, path: string, body: unknown) => {
    await clientsFor(subscriptionId).resources.resourceGroups.createOrUpdate(group, { location: LOCATION });
    const answer = await rawRequest(
      emulator,
      "PUT",
      `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/${path}`,
      { body: JSON.stringify(body) },
    );
    assert.ok(answer.status < 300, JSON.stringify(answer.body));
  };

  test("Container registry: available; taken by a registry of another subscription, whatever its case; invalid", async () => {
    assert.deepEqual(await registry("acrfree1234"), { nameAvailable: true });
    await create(
      OTHER,
      "rg-acr",
      "Microsoft.ContainerRegistry/registries/acrTaken1234?api-version=2025-11-01",
      {
        location: LOCATION,
        sku: { name: "Premium" },
      },
    );
    assert.deepEqual(await registry("ACRTAKEN1234"), {
      nameAvailable: false,
      reason: "AlreadyExists",
      message: "The registry ACRTAKEN1234 is already in use.",
    });
    // The owner's own subscription sees its name taken too: the check knows no owner.
    assert.equal((await registry("acrtaken1234", OTHER)).nameAvailable, false);
    for (const name of ["acr", "acr-hyphen", "a".repeat(51)]) {
      const answer = await registry(name);
      assert.deepEqual([answer.nameAvailable, answer.reason], [false, "Invalid"], name);
    }
  });

  test("Storage account: available; taken in another resource group or subscription; invalid with Azure's message", async () => {
    assert.deepEqual(await account("stfree1234"), { nameAvailable: true });
    await create(SUB, "rg-st", "Microsoft.Storage/storageAccounts/sttaken1234?api-version=2025-08-01", {
      location: LOCATION,
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
    });
    for (const subscriptionId of [SUB, OTHER]) {
      assert.deepEqual(await account("sttaken1234", subscriptionId), {
        nameAvailable: false,
        reason: "AlreadyExists",
        message: "The storage account named sttaken1234 is already taken.",
      });
    }
    assert.deepEqual(await account("St-Invalid"), {
      nameAvailable: false,
      reason: "AccountNameInvalid",
      message:
        "St-Invalid is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.",
    });
  });

  test("both: taken by a setting (a name held outside the emulator), and a create of it refused as the type refuses", async () => {
    emulator.admin.configureSubscriptions({
      takenNames: [
        { type: "Microsoft.ContainerRegistry/registries", name: "acrheld1234" },
        { type: "Microsoft.Storage/storageAccounts", name: "stheld1234" },
      ],
    });
    try {
      assert.equal((await registry("acrheld1234")).reason, "AlreadyExists");
      assert.equal((await account("stheld1234")).reason, "AlreadyExists");
      await clientsFor(SUB).resources.resourceGroups.createOrUpdate("rg-held", { location: LOCATION });
      const put = await rawRequest(
        emulator,
        "PUT",
        `/subscriptions/${SUB}/resourceGroups/rg-held/providers/Microsoft.Storage/storageAccounts/stheld1234?api-version=2025-08-01`,
        { body: JSON.stringify({ location: LOCATION, sku: { name: "Standard_LRS" }, kind: "StorageV2" }) },
      );
      assert.deepEqual([put.status, errorCode(put)], [409, "StorageAccountAlreadyTaken"]);
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("fails a request whose type is not the namespace's, or without a name", async () => {
    const answer = await rawRequest(
      emulator,
      "POST",
      `/subscriptions/${SUB}/providers/Microsoft.Storage/checkNameAvailability?api-version=2025-01-01`,
      { body: JSON.stringify({ name: "stwrongtype", type: "Microsoft.ContainerRegistry/registries" }) },
    );
    assert.deepEqual([answer.status, errorCode(answer)], [400, "InvalidRequestContent"]);
  });
});

describe("what is offered in a region", () => {
  test("AKS lists its Kubernetes versions with patches and support plans; a withdrawn version is gone", async () => {
    const { aks } = clientsFor(SUB);
    const versions = (await aks.managedClusters.listKubernetesVersions(LOCATION)).values ?? [];
    const minors = versions.map((v) => v.version);
    assert.ok(minors.includes("1.35") && minors.includes("1.34"), JSON.stringify(minors));
    assert.ok(versions.some((v) => v.capabilities?.supportPlan?.includes("KubernetesOfficial")));
    emulator.admin.configureSubscriptions({
      withdrawn: { kubernetesVersions: [{ location: LOCATION, version: "1.35" }] },
    });
    try {
      const after = (await aks.managedClusters.listKubernetesVersions(LOCATION)).values ?? [];
      assert.ok(!after.some((v) => v.version === "1.35"));
      const orchestrators = await rawRequest(
        emulator,
        "GET",
        `/subscriptions/${SUB}/providers/Microsoft.ContainerService/locations/${LOCATION}/orchestrators?api-version=2019-08-01&resource-type=managedClusters`,
      );
      const listed = (
        orchestrators.body as { properties: { orchestrators: { orchestratorVersion: string }[] } }
      ).properties.orchestrators.map((o) => o.orchestratorVersion);
      assert.ok(
        listed.includes("1.34.2") && !listed.some((v) => v.startsWith("1.35.")),
        JSON.stringify(listed),
      );
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("Microsoft.Cache lists the regions of Azure Managed Redis; a withdrawn region is left out and a create there refused", async () => {
    const locations = async () => {
      const answer = await rawRequest(
        emulator,
        "GET",
        `/subscriptions/${SUB}/providers/Microsoft.Cache?api-version=2025-04-01`,
      );
      const types = (answer.body as { resourceTypes: { resourceType: string; locations: string[] }[] })
        .resourceTypes;
      return types.find((t) => t.resourceType === "redisEnterprise")!.locations;
    };
    assert.ok((await locations()).includes(LOCATION));
    emulator.admin.configureSubscriptions({
      withdrawn: { resourceTypes: [{ location: LOCATION, type: "Microsoft.Cache/redisEnterprise" }] },
    });
    try {
      assert.ok(!(await locations()).includes(LOCATION));
      const create = await rawRequest(
        emulator,
        "PUT",
        `/subscriptions/${SUB}/resourceGroups/rg-amr/providers/Microsoft.Cache/redisEnterprise/amr-1?api-version=2026-09-01`,
        {
          body: JSON.stringify({
            location: LOCATION,
            sku: { name: "Balanced_B1" },
            properties: { publicNetworkAccess: "Disabled" },
          }),
        },
      );
      assert.equal(create.status, 400);
      assert.equal(
        (create.body as { error: { code: string } }).error.code,
        "LocationNotAvailableForResourceType",
      );
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("resource SKUs carry vCPUs, family and zones, and a withdrawn size its Location or Zone restriction", async () => {
    const skus = async () => {
      const answer = await rawRequest(
        emulator,
        "GET",
        `/subscriptions/${SUB}/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location eq '${LOCATION}'`,
      );
      return (answer.body as { value: Record<string, unknown>[] }).value;
    };
    const d4 = (await skus()).find((sku) => sku.name === "Standard_D4s_v5")!;
    assert.equal(d4.family, "standardDSv5Family");
    assert.deepEqual((d4.locationInfo as { zones: string[] }[])[0]?.zones, ["1", "2", "3"]);
    assert.ok(
      (d4.capabilities as { name: string; value: string }[]).some(
        (c) => c.name === "vCPUs" && c.value === "4",
      ),
    );
    emulator.admin.configureSubscriptions({
      withdrawn: {
        vmSizes: [
          { location: LOCATION, name: "Standard_D4s_v5", zones: ["3"] },
          { location: LOCATION, name: "Standard_E4s_v5" },
        ],
      },
    });
    try {
      const restricted = await skus();
      const restrictionsOf = (name: string) =>
        restricted.find((sku) => sku.name === name)!.restrictions as {
          type: string;
          restrictionInfo: { zones?: string[] };
        }[];
      assert.deepEqual(
        restrictionsOf("Standard_D4s_v5").map((r) => [r.type, r.restrictionInfo.zones]),
        [["Zone", ["3"]]],
      );
      assert.deepEqual(
        restrictionsOf("Standard_E4s_v5").map((r) => r.type),
        ["Location"],
      );
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("compute and network usages answer defaults, count the subscription's public IPs, and take quota settings", async () => {
    const usages = async (provider: string) => {
      const answer = await rawRequest(
        emulator,
        "GET",
        `/subscriptions/${SUB}/providers/${provider}/locations/${LOCATION}/usages?api-version=2024-07-01`,
      );
      return (answer.body as { value: { name: { value: string }; currentValue: number; limit: number }[] })
        .value;
    };
    const of = (list: Awaited<ReturnType<typeof usages>>, name: string) =>
      list.find((u) => u.name.value === name)!;
    assert.ok(of(await usages("Microsoft.Compute"), "standardDSv5Family").limit > 0);
    const { resources, network } = clientsFor(SUB);
    await resources.resourceGroups.createOrUpdate("rg-ip", { location: LOCATION });
    await network.publicIPAddresses.beginCreateOrUpdateAndWait(
      "rg-ip",
      "ip",
      { location: LOCATION, sku: { name: "Standard" } },
      poll,
    );
    assert.equal(of(await usages("Microsoft.Network"), "PublicIPAddresses").currentValue, 1);
    emulator.admin.configureSubscriptions({
      quotas: { [SUB]: { [LOCATION]: { standardDSv5Family: { limit: 8, currentValue: 6 } } } },
    });
    try {
      const family = of(await usages("Microsoft.Compute"), "standardDSv5Family");
      assert.deepEqual([family.limit, family.currentValue], [8, 6]);
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("PostgreSQL capabilities list editions, SKUs with zones and HA modes, versions; withdrawn ones are gone", async () => {
    const { postgres } = clientsFor(SUB);
    const read = async () => {
      const all = [];
      for await (const capability of postgres.capabilitiesByLocation.list(LOCATION)) all.push(capability);
      return all[0]!;
    };
    const capability = await read();
    const general = capability.supportedServerEditions?.find((e) => e.name === "GeneralPurpose");
    const d2 = general?.supportedServerSkus?.find((sku) => sku.name === "Standard_D2ds_v5");
    assert.deepEqual(d2?.supportedZones, ["1", "2", "3"]);
    assert.ok(d2?.supportedHaMode?.includes("ZoneRedundant"));
    assert.ok(capability.supportedServerVersions?.some((v) => v.name === "17"));
    emulator.admin.configureSubscriptions({
      withdrawn: {
        postgresSkus: [{ location: LOCATION, name: "Standard_D2ds_v5" }],
        postgresVersions: [{ location: LOCATION, version: "17" }],
      },
    });
    try {
      const narrowed = await read();
      assert.ok(
        !narrowed.supportedServerEditions?.some((e) =>
          e.supportedServerSkus?.some((s) => s.name === "Standard_D2ds_v5"),
        ),
      );
      assert.ok(!narrowed.supportedServerVersions?.some((v) => v.name === "17"));
    } finally {
      emulator.admin.clearSubscriptionSettings();
    }
  });

  test("fails a region it does not know, and a request without api-version", async () => {
    const unknown = await rawRequest(
      emulator,
      "GET",
      `/subscriptions/${SUB}/providers/Microsoft.Compute/locations/mars/usages?api-version=2024-07-01`,
    );
    assert.equal(unknown.status, 400);
    const bare = await rawRequest(emulator, "GET", `/subscriptions/${SUB}`);
    assert.equal(errorCode(bare), "MissingApiVersionParameter");
  });
});

describe("the admin API", () => {
  test("sets, shows and forgets subscription settings over HTTP; a bad document is a 400", async () => {
    const url = `/__emulator/subscriptions`;
    const set = await rawRequest(emulator, "POST", url, {
      body: JSON.stringify({ subscriptions: { [SUB]: { state: "Warned" } } }),
    });
    assert.equal(set.status, 200);
    assert.equal((await clientsFor(SUB).subscriptions.subscriptions.get(SUB)).state, "Warned");
    const bad = await rawRequest(emulator, "POST", url, {
      body: JSON.stringify({ subscriptions: { x: {} } }),
    });
    assert.equal(errorCode(bad), "InvalidSubscriptionSettings");
    await rawRequest(emulator, "DELETE", url);
    assert.equal((await clientsFor(SUB).subscriptions.subscriptions.get(SUB)).state, "Enabled");
  });
});
