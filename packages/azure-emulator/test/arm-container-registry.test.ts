/**
 * Azure Container Registry (`Microsoft.ContainerRegistry/registries`) as the REST API describes it: the
 * long-running-operation answers of PUT and DELETE on the wire, ARM's naming rules (5-50 alphanumerics,
 * globally unique), the service's defaults and read-only fields, the Premium-only features, zone
 * redundancy fixed at create, and a private endpoint with group id `registry` whose zone group writes the
 * registry's record and its regional data endpoint's.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, resourceId, subnetId, type ArmClients } from "./fixtures.js";
import { errorCode, headerOf, jsonRequest, startTestEmulator, type RawAnswer } from "./harness.js";

const API = "api-version=2025-11-01";
const rg = "rg-acr";

let emulator: RunningEmulator;
let clients: ArmClients;

const registryPath = (name: string, group = rg) =>
  `${resourceId(group, `Microsoft.ContainerRegistry/registries/${name}`)}?${API}`;

const premium = (extra: Record<string, unknown> = {}) => ({
  location: LOCATION,
  sku: { name: "Premium" },
  properties: {
    adminUserEnabled: false,
    publicNetworkAccess: "Disabled",
    anonymousPullEnabled: false,
    zoneRedundancy: "Enabled",
    ...extra,
  },
});

const send = (method: string, path: string, body?: unknown): Promise<RawAnswer> =>
  jsonRequest(emulator, method, path, body);

interface Registry {
  name: string;
  sku: { name: string; tier?: string };
  properties: Record<string, unknown>;
}

async function settled(path: string): Promise<Registry> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const resource = (await send("GET", path)).body as Registry;
    const state = resource.properties?.provisioningState;
    if (state === "Succeeded" || state === "Failed") return resource;
    await delay(20);
  }
  throw new Error(`${path} never settled`);
}

async function createRegistry(name: string, body = premium()): Promise<Registry> {
  const answer = await send("PUT", registryPath(name), body);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return settled(registryPath(name));
}

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
  await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
});
after(() => emulator.stop());

describe("container registries", () => {
  test("PUT answers 201 with the registry and Azure-AsyncOperation; DELETE 202 with Location, then it is gone", async () => {
    const answer = await send("PUT", registryPath("acrlro01"), premium());
    assert.equal(answer.status, 201);
    assert.match(headerOf(answer, "azure-asyncoperation") ?? "", /[0-9a-f-]{36}/);
    assert.equal((answer.body as Registry).properties.provisioningState, "Creating");
    assert.equal((await settled(registryPath("acrlro01"))).properties.provisioningState, "Succeeded");
    const removed = await send("DELETE", registryPath("acrlro01"));
    assert.equal(removed.status, 202);
    assert.ok(headerOf(removed, "location"), "Location is sent");
    for (let attempt = 0; ; attempt++) {
      if ((await send("GET", registryPath("acrlro01"))).status === 404) break;
      assert.ok(attempt < 200, "deleted in time");
      await delay(20);
    }
  });

  test("answers the login server, the tier and what the request set; the admin user and anonymous pull stay off by default", async () => {
    const registry = await createRegistry("AcrShape01", {
      location: LOCATION,
      sku: { name: "Premium" },
    } as never);
    assert.equal(registry.properties.loginServer, "acrshape01.azurecr.io");
    assert.equal(registry.sku.tier, "Premium");
    assert.equal(registry.properties.adminUserEnabled, false);
    assert.equal(registry.properties.anonymousPullEnabled, false);
    assert.equal(
      registry.properties.publicNetworkAccess,
      "Enabled",
      "public unless the request says otherwise",
    );
    const closed = await createRegistry("acrshape02");
    assert.equal(closed.properties.publicNetworkAccess, "Disabled");
    assert.equal(closed.properties.zoneRedundancy, "Enabled");
  });

  test("fails names outside 5-50 letters and digits", async () => {
    for (const name of ["abcd", "a".repeat(51), "acr-hyphen", "acr_under"]) {
      const answer = await send("PUT", registryPath(name), premium());
      assert.equal(answer.status, 400, name);
      assert.equal(errorCode(answer), "InvalidResourceName", name);
    }
  });

  test("fails a name another registry holds anywhere (the login server is global)", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-acr-other", { location: LOCATION });
    await createRegistry("acrtaken01");
    const answer = await send("PUT", registryPath("acrtaken01", "rg-acr-other"), premium());
    assert.equal(answer.status, 409);
    assert.equal(errorCode(answer), "AlreadyInUse");
  });

  test("fails public access off, a deny network rule or zone redundancy below the Premium tier", async () => {
    for (const extra of [
      { publicNetworkAccess: "Disabled", zoneRedundancy: "Disabled" },
      { publicNetworkAccess: "Enabled", zoneRedundancy: "Enabled" },
      {
        publicNetworkAccess: "Enabled",
        zoneRedundancy: "Disabled",
        networkRuleSet: { defaultAction: "Deny" },
      },
    ]) {
      const answer = await send("PUT", registryPath("acrstandard"), {
        ...premium(extra),
        sku: { name: "Standard" },
      });
      assert.equal(answer.status, 400, JSON.stringify(extra));
      assert.equal(errorCode(answer), "PremiumSkuRequired");
    }
  });

  test("fails a change of zone redundancy after create", async () => {
    await createRegistry("acrzones01");
    const answer = await send("PUT", registryPath("acrzones01"), premium({ zoneRedundancy: "Disabled" }));
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "ZoneRedundancyCannotBeUpdated");
  });
});

describe("private endpoints to a container registry", () => {
  const vnet = "vnet-acr";
  const zone = "privatelink.azurecr.io";
  before(async () => {
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      vnet,
      { location: LOCATION, addressSpace: { addressPrefixes: ["10.6.0.0/16"] } },
      poll,
    );
    await clients.network.subnets.beginCreateOrUpdateAndWait(
      rg,
      vnet,
      "pe",
      { addressPrefix: "10.6.1.0/24", privateEndpointNetworkPolicies: "Disabled" },
      poll,
    );
    await clients.privateDns.privateZones.beginCreateOrUpdateAndWait(rg, zone, { location: "global" }, poll);
    await createRegistry("acrprivate01");
  });

  const endpoint = (groupIds: string[]) => ({
    location: LOCATION,
    subnet: { id: subnetId(rg, vnet, "pe") },
    privateLinkServiceConnections: [
      {
        name: "acr",
        privateLinkServiceId: resourceId(rg, "Microsoft.ContainerRegistry/registries/acrprivate01"),
        groupIds,
      },
    ],
  });

  test("connects with group id registry; the registry lists it and the zone gets the registry's and the data endpoint's records", async () => {
    const created = await clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
      rg,
      "pe-acr",
      endpoint(["registry"]),
      poll,
    );
    assert.equal(created.provisioningState, "Succeeded");
    const registry = (await send("GET", registryPath("acrprivate01"))).body as Registry;
    const connections = registry.properties.privateEndpointConnections as {
      properties: { privateEndpoint: { id: string } };
    }[];
    assert.deepEqual(
      connections.map((c) => c.properties.privateEndpoint.id.toLowerCase()),
      [created.id!.toLowerCase()],
    );
    // The endpoint serves the registry and its regional data endpoint.
    assert.deepEqual(
      created.customDnsConfigs?.map((config) => config.fqdn),
      ["acrprivate01.azurecr.io", `acrprivate01.${LOCATION}.data.azurecr.io`],
    );
    await clients.network.privateDnsZoneGroups.beginCreateOrUpdateAndWait(
      rg,
      "pe-acr",
      "default",
      {
        privateDnsZoneConfigs: [
          { name: "acr", privateDnsZoneId: resourceId(rg, `Microsoft.Network/privateDnsZones/${zone}`) },
        ],
      },
      poll,
    );
    const group = await clients.network.privateDnsZoneGroups.get(rg, "pe-acr", "default");
    const records = group.privateDnsZoneConfigs?.[0]?.recordSets?.map((record) => record.recordSetName);
    assert.deepEqual(records, ["acrprivate01", `acrprivate01.${LOCATION}.data`]);
    const privateZone = await clients.privateDns.privateZones.get(rg, zone);
    assert.equal(privateZone.numberOfRecordSets, 3, "SOA plus the two A records");
  });

  test("fails another group id on a registry", async () => {
    await assert.rejects(
      clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
        rg,
        "pe-acr-wrong",
        endpoint(["vault"]),
        poll,
      ),
      (error: { code?: string; message?: string }) => {
        assert.equal(error.code, "InvalidPrivateLinkGroupId");
        assert.match(error.message ?? "", /registry/);
        return true;
      },
    );
  });
});
