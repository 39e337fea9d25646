import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, resourceId, subnetId, type ArmClients } from "./fixtures.js";
import { startTestEmulator } from "./harness.js";

let emulator: RunningEmulator;
let clients: ArmClients;

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
});
after(() => emulator.stop());

describe("resource groups", () => {
  test("are created synchronously, read back and listed, with case-insensitive paths", async () => {
    const created = await clients.resources.resourceGroups.createOrUpdate("Rg-Case", {
      location: LOCATION,
      tags: { env: "dev" },
    });
    assert.equal(created.id?.endsWith("/resourceGroups/Rg-Case"), true);
    assert.equal(created.properties?.provisioningState, "Succeeded");
    const read = await clients.resources.resourceGroups.get("rg-case");
    assert.deepEqual(read.tags, { env: "dev" });
    const names: string[] = [];
    for await (const group of clients.resources.resourceGroups.list()) names.push(group.name ?? "");
    assert.ok(names.includes("Rg-Case"));
  });

  test("lists the resources in a group", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-list", { location: LOCATION });
    await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      "rg-list",
      "nsg",
      { location: LOCATION, tags: { a: "1" } },
      poll,
    );
    const listed = [];
    for await (const resource of clients.resources.resources.listByResourceGroup("rg-list"))
      listed.push(resource);
    assert.deepEqual(
      listed.map((r) => [r.type, r.name, r.tags]),
      [["Microsoft.Network/networkSecurityGroups", "nsg", { a: "1" }]],
    );
  });

  test("fails with ResourceGroupNotFound for a missing group", async () => {
    await assert.rejects(clients.resources.resourceGroups.get("missing"), {
      statusCode: 404,
      code: "ResourceGroupNotFound",
    });
  });

  test("deleting a group deletes everything in it (Location-style LRO)", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-cascade", { location: LOCATION });
    await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      "rg-cascade",
      "nsg",
      { location: LOCATION },
      poll,
    );
    await clients.resources.resourceGroups.beginDeleteAndWait("rg-cascade", poll);
    await assert.rejects(clients.resources.resourceGroups.get("rg-cascade"), {
      code: "ResourceGroupNotFound",
    });
    await assert.rejects(clients.network.networkSecurityGroups.get("rg-cascade", "nsg"), { statusCode: 404 });
  });
});

describe("network (Azure-AsyncOperation writes, Location deletes)", () => {
  const rg = "rg-net";
  before(() => clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION }));

  test("builds a private network: NSG, public IP, NAT gateway, VNet with subnets, private endpoint, DNS zone group", async () => {
    const { network, privateDns, redis } = clients;
    const nsg = await network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      "nsg",
      { location: LOCATION },
      poll,
    );
    const ip = await network.publicIPAddresses.beginCreateOrUpdateAndWait(
      rg,
      "nat-ip",
      {
        location: LOCATION,
        sku: { name: "Standard" },
        publicIPAllocationMethod: "Static",
        zones: ["1", "2", "3"],
      },
      poll,
    );
    assert.match(ip.ipAddress ?? "", /^\d+\.\d+\.\d+\.\d+$/);
    const nat = await network.natGateways.beginCreateOrUpdateAndWait(
      rg,
      "nat",
      { location: LOCATION, sku: { name: "Standard" }, publicIpAddresses: [{ id: ip.id }] },
      poll,
    );
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      {
        location: LOCATION,
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        subnets: [
          {
            name: "nodes",
            addressPrefix: "10.0.0.0/22",
            natGateway: { id: nat.id },
            networkSecurityGroup: { id: nsg.id },
          },
        ],
      },
      poll,
    );
    assert.equal(vnet.provisioningState, "Succeeded");
    assert.deepEqual(
      vnet.subnets?.map((s) => s.name),
      ["nodes"],
    );
    const pe = await network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      "endpoints",
      { addressPrefix: "10.0.4.0/24", privateEndpointNetworkPolicies: "Disabled" },
      poll,
    );
    assert.equal(pe.id, subnetId(rg, "vnet", "endpoints"));
    const subnets: string[] = [];
    for await (const s of network.subnets.list(rg, "vnet")) subnets.push(s.name ?? "");
    assert.deepEqual(subnets.sort(), ["endpoints", "nodes"]);
    assert.equal((await network.natGateways.get(rg, "nat")).subnets?.[0]?.id, subnetId(rg, "vnet", "nodes"));

    const cache = await redis.redis.beginCreateAndWait(
      rg,
      "cache-net-1",
      { location: LOCATION, sku: { name: "Standard", family: "C", capacity: 1 } },
      poll,
    );
    const zone = await privateDns.privateZones.beginCreateOrUpdateAndWait(
      rg,
      "privatelink.redis.cache.windows.net",
      { location: "global" },
      poll,
    );
    const endpoint = await network.privateEndpoints.beginCreateOrUpdateAndWait(
      rg,
      "cache-pe",
      {
        location: LOCATION,
        subnet: { id: pe.id },
        privateLinkServiceConnections: [
          { name: "cache", privateLinkServiceId: cache.id, groupIds: ["redisCache"] },
        ],
      },
      poll,
    );
    assert.equal(endpoint.provisioningState, "Succeeded");
    const group = await network.privateDnsZoneGroups.beginCreateOrUpdateAndWait(
      rg,
      "cache-pe",
      "default",
      { privateDnsZoneConfigs: [{ name: "redis", privateDnsZoneId: zone.id }] },
      poll,
    );
    assert.equal(group.provisioningState, "Succeeded");
  });

  test("updates tags synchronously (PATCH updateTags)", async () => {
    const updated = await clients.network.networkSecurityGroups.updateTags(rg, "nsg", {
      tags: { owner: "net" },
    });
    assert.deepEqual(updated.tags, { owner: "net" });
    assert.equal(updated.provisioningState, "Succeeded");
  });

  test("deletes a subnet that nothing uses", async () => {
    await clients.network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      "spare",
      { addressPrefix: "10.0.9.0/24" },
      poll,
    );
    await clients.network.subnets.beginDeleteAndWait(rg, "vnet", "spare", poll);
    await assert.rejects(clients.network.subnets.get(rg, "vnet", "spare"), {
      statusCode: 404,
      code: "ResourceNotFound",
    });
  });
});

describe("private DNS", () => {
  const rg = "rg-dns";
  before(async () => {
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      { location: LOCATION, addressSpace: { addressPrefixes: ["10.1.0.0/16"] } },
      poll,
    );
  });

  test("creates a zone and a VNet link, lists and deletes them", async () => {
    const zone = await clients.privateDns.privateZones.beginCreateOrUpdateAndWait(
      rg,
      "privatelink.vaultcore.azure.net",
      { location: "global" },
      poll,
    );
    assert.equal(zone.name, "privatelink.vaultcore.azure.net");
    const link = await clients.privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      rg,
      "privatelink.vaultcore.azure.net",
      "to-vnet",
      {
        location: "global",
        virtualNetwork: { id: resourceId(rg, "Microsoft.Network/virtualNetworks/vnet") },
        registrationEnabled: false,
      },
      poll,
    );
    assert.equal(link.virtualNetworkLinkState, "Completed");
    const links: string[] = [];
    for await (const l of clients.privateDns.virtualNetworkLinks.list(rg, "privatelink.vaultcore.azure.net"))
      links.push(l.name ?? "");
    assert.deepEqual(links, ["to-vnet"]);
    await clients.privateDns.privateZones.beginDeleteAndWait(rg, "privatelink.vaultcore.azure.net", poll);
    await assert.rejects(
      clients.privateDns.virtualNetworkLinks.get(rg, "privatelink.vaultcore.azure.net", "to-vnet"),
      { statusCode: 404 },
    );
  });
});

describe("Redis (provisioningState polling)", () => {
  const rg = "rg-redis";
  before(() => clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION }));

  test("creates a cache with hostName and sslPort, lists its keys, never shows them in the resource", async () => {
    const cache = await clients.redis.redis.beginCreateAndWait(
      rg,
      "cache-a1",
      {
        location: LOCATION,
        sku: { name: "Standard", family: "C", capacity: 2 },
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
      },
      poll,
    );
    assert.equal(cache.provisioningState, "Succeeded");
    assert.equal(cache.hostName, "cache-a1.redis.cache.windows.net");
    assert.equal(cache.sslPort, 6380);
    const keys = await clients.redis.redis.listKeys(rg, "cache-a1");
    assert.ok((keys.primaryKey ?? "").length >= 32);
    assert.notEqual(keys.primaryKey, keys.secondaryKey);
    assert.equal(
      JSON.stringify(await clients.redis.redis.get(rg, "cache-a1")).includes(keys.primaryKey ?? "-"),
      false,
    );
  });

  test("a create shows provisioningState Creating until its scaled 20 minutes have passed", async () => {
    const startedAt = Date.now();
    const poller = await clients.redis.redis.beginCreate(
      rg,
      "cache-slow",
      { location: LOCATION, sku: { name: "Basic", family: "C", capacity: 0 } },
      poll,
    );
    assert.equal((await clients.redis.redis.get(rg, "cache-slow")).provisioningState, "Creating");
    const done = await poller.pollUntilDone();
    assert.equal(done.provisioningState, "Succeeded");
    // 1200 s (the emulator's documented Redis create) x 0.0005 = 600 ms.
    assert.ok(Date.now() - startedAt >= 550, `finished after ${Date.now() - startedAt} ms`);
  });

  test("deletes a cache", async () => {
    await clients.redis.redis.beginCreateAndWait(
      rg,
      "cache-gone",
      { location: LOCATION, sku: { name: "Basic", family: "C", capacity: 0 } },
      poll,
    );
    await clients.redis.redis.beginDeleteAndWait(rg, "cache-gone", poll);
    await assert.rejects(clients.redis.redis.get(rg, "cache-gone"), { statusCode: 404 });
  });
});

describe("PostgreSQL flexible server with private access", () => {
  const rg = "rg-pg";
  const zoneName = "dev.private.postgres.database.azure.com";

  before(async () => {
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      {
        location: LOCATION,
        addressSpace: { addressPrefixes: ["10.2.0.0/16"] },
        subnets: [
          {
            name: "pg",
            addressPrefix: "10.2.1.0/24",
            delegations: [{ name: "pg", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
          },
        ],
      },
      poll,
    );
    await clients.privateDns.privateZones.beginCreateOrUpdateAndWait(
      rg,
      zoneName,
      { location: "global" },
      poll,
    );
    await clients.privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      rg,
      zoneName,
      "pg-link",
      {
        location: "global",
        virtualNetwork: { id: resourceId(rg, "Microsoft.Network/virtualNetworks/vnet") },
        registrationEnabled: false,
      },
      poll,
    );
  });

  test("creates the server, a database and a configuration; the password is never answered", async () => {
    const server = await clients.postgres.servers.beginCreateOrUpdateAndWait(
      rg,
      "pg-dev-1a2b",
      {
        location: LOCATION,
        sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
        version: "17",
        administratorLogin: "pgadmin",
        administratorLoginPassword: "S3cret-Value-Never-Echoed",
        network: {
          delegatedSubnetResourceId: subnetId(rg, "vnet", "pg"),
          privateDnsZoneArmResourceId: resourceId(rg, `Microsoft.Network/privateDnsZones/${zoneName}`),
          publicNetworkAccess: "Disabled",
        },
        backup: { backupRetentionDays: 7, geoRedundantBackup: "Enabled" },
      },
      poll,
    );
    assert.equal(server.fullyQualifiedDomainName, "pg-dev-1a2b.postgres.database.azure.com");
    assert.equal(JSON.stringify(server).includes("S3cret-Value-Never-Echoed"), false);
    const db = await clients.postgres.databases.beginCreateAndWait(
      rg,
      "pg-dev-1a2b",
      "app",
      { charset: "UTF8" },
      poll,
    );
    assert.equal(db.name, "app");
    const config = await clients.postgres.configurations.beginPutAndWait(
      rg,
      "pg-dev-1a2b",
      "require_secure_transport",
      { value: "on", source: "user-override" },
      poll,
    );
    assert.equal(config.value, "on");
    const patched = await clients.postgres.servers.beginUpdateAndWait(
      rg,
      "pg-dev-1a2b",
      { tags: { tier: "dev" } },
      poll,
    );
    assert.deepEqual(patched.tags, { tier: "dev" });
    assert.equal(patched.version, "17");
  });

  test("deleting the server in use leaves its subnet undeletable until the server is gone", async () => {
    await assert.rejects(clients.network.subnets.beginDeleteAndWait(rg, "vnet", "pg", poll), {
      statusCode: 400,
      code: "InUseSubnetCannotBeDeleted",
    });
    await clients.postgres.servers.beginDeleteAndWait(rg, "pg-dev-1a2b", poll);
    await assert.rejects(clients.postgres.databases.get(rg, "pg-dev-1a2b", "app"), { statusCode: 404 });
    await clients.network.subnets.beginDeleteAndWait(rg, "vnet", "pg", poll);
  });
});
