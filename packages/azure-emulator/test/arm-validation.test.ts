import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RunningEmulator } from "../src/index.js";
import { mintEmulatorToken } from "../src/credential.js";
import {
  armClients,
  LOCATION,
  poll,
  redisBody,
  resourceId,
  subnetId,
  vaultBody,
  type ArmClients,
} from "./fixtures.js";
import { errorCode, rawRequest, startTestEmulator, SUBSCRIPTION_ID } from "./harness.js";

let emulator: RunningEmulator;
let clients: ArmClients;
const rg = "rg-val";
const zone = "val.private.postgres.database.azure.com";
const vnetId = resourceId(rg, "Microsoft.Network/virtualNetworks/vnet");

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
  await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
  await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
    rg,
    "vnet",
    {
      location: LOCATION,
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [
        { name: "plain", addressPrefix: "10.0.1.0/24" },
        {
          name: "pg",
          addressPrefix: "10.0.2.0/24",
          delegations: [{ name: "pg", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
        },
        { name: "endpoints", addressPrefix: "10.0.3.0/24" },
      ],
    },
    poll,
  );
  await clients.privateDns.privateZones.beginCreateOrUpdateAndWait(rg, zone, { location: "global" }, poll);
});
after(() => emulator.stop());

const pgServer = (subnet: string, zoneName = zone) => ({
  location: LOCATION,
  sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" as const },
  administratorLogin: "pgadmin",
  administratorLoginPassword: "not-a-real-password-1",
  network: {
    delegatedSubnetResourceId: subnetId(rg, "vnet", subnet),
    privateDnsZoneArmResourceId: resourceId(rg, `Microsoft.Network/privateDnsZones/${zoneName}`),
  },
});

describe("authentication", () => {
  const path = `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${rg}?api-version=2025-04-01`;

  test("fails with 401 AuthenticationFailed without a token", async () => {
    const answer = await rawRequest(emulator, "GET", path, { token: null });
    assert.equal(answer.status, 401);
    assert.equal(errorCode(answer), "AuthenticationFailed");
    assert.match(String(answer.headers["www-authenticate"]), /^Bearer /);
  });

  test("fails with 401 ExpiredAuthenticationToken for an expired token", async () => {
    const expired = mintEmulatorToken({
      aud: "https://management.azure.com",
      oid: "x",
      tid: "t",
      exp: Math.floor(Date.now() / 1000) - 60,
      iat: 0,
    });
    const answer = await rawRequest(emulator, "GET", path, { token: expired });
    assert.equal(answer.status, 401);
    assert.equal(errorCode(answer), "ExpiredAuthenticationToken");
  });

  test("fails with 401 InvalidAuthenticationToken for a token of another audience", async () => {
    const vaultToken = mintEmulatorToken({
      aud: "https://vault.azure.net",
      oid: "x",
      tid: "t",
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: 0,
    });
    const answer = await rawRequest(emulator, "GET", path, { token: vaultToken });
    assert.equal(errorCode(answer), "InvalidAuthenticationToken");
  });
});

describe("request validation", () => {
  test("fails with MissingApiVersionParameter without api-version", async () => {
    const answer = await rawRequest(
      emulator,
      "GET",
      `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${rg}`,
    );
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "MissingApiVersionParameter");
  });

  test("fails with InvalidRequestContent for a body that is not JSON", async () => {
    const answer = await rawRequest(
      emulator,
      "PUT",
      `${resourceId(rg, "Microsoft.Network/networkSecurityGroups/bad")}?api-version=2025-05-01`,
      { body: "{not json" },
    );
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "InvalidRequestContent");
  });

  test("fails with LocationRequired for a tracked resource without location", async () => {
    await assert.rejects(
      clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(rg, "no-location", {}, poll),
      { statusCode: 400, code: "LocationRequired" },
    );
  });

  test("fails with InvalidRequestContent for a missing required property", async () => {
    await assert.rejects(
      clients.redis.redis.beginCreateAndWait(rg, "cache-nosku", { location: LOCATION } as never, poll),
      {
        statusCode: 400,
        code: "InvalidRequestContent",
      },
    );
  });

  test("fails with InvalidResourceName for a name the type forbids", async () => {
    await assert.rejects(
      clients.keyVault.vaults.createOrUpdate(rg, "1-starts-with-digit", vaultBody(), poll),
      { statusCode: 400, code: "InvalidResourceName" },
    );
  });

  test("fails with ResourceGroupNotFound when the resource group does not exist", async () => {
    await assert.rejects(
      clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
        "rg-none",
        "nsg",
        { location: LOCATION },
        poll,
      ),
      {
        statusCode: 404,
        code: "ResourceGroupNotFound",
      },
    );
  });

  test("fails with ParentResourceNotFound for a child of a missing parent", async () => {
    await assert.rejects(
      clients.network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "no-vnet",
        "s",
        { addressPrefix: "10.9.0.0/24" },
        poll,
      ),
      {
        statusCode: 404,
        code: "ParentResourceNotFound",
      },
    );
  });

  test("fails with InvalidResourceReference for a reference to a missing resource", async () => {
    await assert.rejects(
      clients.network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet",
        "with-nat",
        {
          addressPrefix: "10.0.9.0/24",
          natGateway: { id: resourceId(rg, "Microsoft.Network/natGateways/missing") },
        },
        poll,
      ),
      { statusCode: 400, code: "InvalidResourceReference" },
    );
  });
});

describe("network rules", () => {
  test("fails with NetcfgSubnetRangesOverlap for overlapping subnet prefixes", async () => {
    await assert.rejects(
      clients.network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet",
        "overlap",
        { addressPrefix: "10.0.1.128/25" },
        poll,
      ),
      {
        statusCode: 400,
        code: "NetcfgSubnetRangesOverlap",
      },
    );
  });

  test("fails with NetcfgSubnetRangeOutsideVnet for a prefix outside the VNet", async () => {
    await assert.rejects(
      clients.network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet",
        "outside",
        { addressPrefix: "192.168.0.0/24" },
        poll,
      ),
      {
        statusCode: 400,
        code: "NetcfgSubnetRangeOutsideVnet",
      },
    );
  });

  test("fails with InvalidCIDRNotation naming the network address for a prefix with host bits set", async () => {
    await assert.rejects(
      clients.network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet",
        "host-bits",
        { addressPrefix: "10.0.9.7/24" },
        poll,
      ),
      (error: { statusCode?: number; code?: string; message?: string }) => {
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, "InvalidCIDRNotation");
        assert.match(error.message ?? "", /should be 10\.0\.9\.0\/24/);
        return true;
      },
    );
  });

  test("fails with InUseSubnetCannotBeDeleted for a subnet a private endpoint uses, and for a VNet PUT that omits it", async () => {
    const cache = await clients.redis.redis.beginCreateAndWait(rg, "cache-val-pe", redisBody, poll);
    await clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
      rg,
      "pe",
      {
        location: LOCATION,
        subnet: { id: subnetId(rg, "vnet", "endpoints") },
        privateLinkServiceConnections: [
          { name: "c", privateLinkServiceId: cache.id, groupIds: ["redisCache"] },
        ],
      },
      poll,
    );
    await assert.rejects(clients.network.subnets.beginDeleteAndWait(rg, "vnet", "endpoints", poll), {
      statusCode: 400,
      code: "InUseSubnetCannotBeDeleted",
    });
    await assert.rejects(
      clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
        rg,
        "vnet",
        { location: LOCATION, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
        poll,
      ),
      { statusCode: 400, code: "InUseSubnetCannotBeDeleted" },
    );
    const vnet = await clients.network.virtualNetworks.get(rg, "vnet");
    assert.ok(vnet.subnets?.some((s) => s.name === "endpoints"));
  });

  test("fails with InUseSubnetCannotBeDeleted when deleting a VNet whose subnet a private endpoint uses", async () => {
    await assert.rejects(clients.network.virtualNetworks.beginDeleteAndWait(rg, "vnet", poll), {
      statusCode: 400,
      code: "InUseSubnetCannotBeDeleted",
    });
  });

  test("fails with InUseNetworkSecurityGroupCannotBeDeleted for an NSG a subnet uses", async () => {
    const nsg = await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      "nsg-used",
      { location: LOCATION },
      poll,
    );
    await clients.network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      "guarded",
      { addressPrefix: "10.0.20.0/24", networkSecurityGroup: { id: nsg.id } },
      poll,
    );
    await assert.rejects(clients.network.networkSecurityGroups.beginDeleteAndWait(rg, "nsg-used", poll), {
      statusCode: 400,
      code: "InUseNetworkSecurityGroupCannotBeDeleted",
    });
    await clients.network.subnets.beginDeleteAndWait(rg, "vnet", "guarded", poll);
    await clients.network.networkSecurityGroups.beginDeleteAndWait(rg, "nsg-used", poll);
  });

  test("a VNet PUT that lists its subnets keeps them, and drops unused subnets it omits", async () => {
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet2",
      {
        location: LOCATION,
        addressSpace: { addressPrefixes: ["10.5.0.0/16"] },
        subnets: [
          { name: "a", addressPrefix: "10.5.1.0/24" },
          { name: "b", addressPrefix: "10.5.2.0/24" },
        ],
      },
      poll,
    );
    const after = await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet2",
      {
        location: LOCATION,
        addressSpace: { addressPrefixes: ["10.5.0.0/16"] },
        subnets: [{ name: "a", addressPrefix: "10.5.1.0/24" }],
      },
      poll,
    );
    assert.deepEqual(
      after.subnets?.map((s) => s.name),
      ["a"],
    );
  });
});

describe("private DNS", () => {
  test("fails with VirtualNetworkLinkNamespaceOverlap when a VNet is linked to two zones with overlapping namespaces", async () => {
    for (const name of ["corp.example", "db.corp.example"]) {
      await clients.privateDns.privateZones.beginCreateOrUpdateAndWait(
        rg,
        name,
        { location: "global" },
        poll,
      );
    }
    await clients.privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      rg,
      "corp.example",
      "link",
      { location: "global", virtualNetwork: { id: vnetId } },
      poll,
    );
    await assert.rejects(
      clients.privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
        rg,
        "db.corp.example",
        "link",
        { location: "global", virtualNetwork: { id: vnetId } },
        poll,
      ),
      { statusCode: 400, code: "VirtualNetworkLinkNamespaceOverlap" },
    );
  });
});

describe("PostgreSQL private access", () => {
  test("fails with SubnetMissingRequiredDelegation on a subnet not delegated to flexible servers", async () => {
    await assert.rejects(
      clients.postgres.servers.beginCreateOrUpdateAndWait(rg, "pg-nodeleg", pgServer("plain"), poll),
      {
        statusCode: 400,
        code: "SubnetMissingRequiredDelegation",
      },
    );
  });

  test("fails with PrivateDnsZoneNotLinkedToVnet when the zone is not linked to the subnet's VNet", async () => {
    await assert.rejects(
      clients.postgres.servers.beginCreateOrUpdateAndWait(rg, "pg-nolink", pgServer("pg"), poll),
      {
        statusCode: 400,
        code: "PrivateDnsZoneNotLinkedToVnet",
      },
    );
  });

  test("fails with InvalidPrivateDnsZoneName for a zone not ending in .postgres.database.azure.com", async () => {
    await clients.privateDns.privateZones.beginCreateOrUpdateAndWait(
      rg,
      "wrong.example.com",
      { location: "global" },
      poll,
    );
    await assert.rejects(
      clients.postgres.servers.beginCreateOrUpdateAndWait(
        rg,
        "pg-badzone",
        pgServer("pg", "wrong.example.com"),
        poll,
      ),
      {
        statusCode: 400,
        code: "InvalidPrivateDnsZoneName",
      },
    );
  });

  test("succeeds once the zone is linked to the VNet", async () => {
    await clients.privateDns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      rg,
      zone,
      "link",
      { location: "global", virtualNetwork: { id: vnetId } },
      poll,
    );
    const server = await clients.postgres.servers.beginCreateOrUpdateAndWait(
      rg,
      "pg-linked",
      pgServer("pg"),
      poll,
    );
    assert.equal(server.state, "Ready");
  });
});

describe("PostgreSQL authentication: passwords and Microsoft Entra administrators", () => {
  const OBJECT_ID = "0b6c3e1d-2f4a-4c5b-9d8e-7f6a5b4c3d2e";
  const TENANT_ID = "5f1e2d3c-4b5a-4697-8877-665544332211";
  const entraOnly = () => {
    const { administratorLogin: _login, administratorLoginPassword: _password, ...server } = pgServer("pg");
    return {
      ...server,
      authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: TENANT_ID },
    };
  };
  const administrator = {
    principalType: "ServicePrincipal",
    principalName: "id-workload",
    tenantId: TENANT_ID,
  };

  test("fails a server with password authentication but no administrator password", async () => {
    const { administratorLoginPassword: _password, ...server } = pgServer("pg");
    await assert.rejects(clients.postgres.servers.beginCreateOrUpdateAndWait(rg, "pg-nopass", server, poll), {
      statusCode: 400,
      code: "InvalidParameterValue",
    });
  });

  test("creates a server with Entra authentication only, without an administrator login or password", async () => {
    const server = await clients.postgres.servers.beginCreateOrUpdateAndWait(
      rg,
      "pg-entra",
      entraOnly(),
      poll,
    );
    assert.equal(server.state, "Ready");
    assert.equal(server.administratorLogin, undefined);
    assert.deepEqual(server.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Disabled",
      tenantId: TENANT_ID,
    });
  });

  test("adds an Entra administrator named by its object id: PUT answers 202 with Azure-AsyncOperation and Location", async () => {
    const path = `${resourceId(rg, `Microsoft.DBforPostgreSQL/flexibleServers/pg-entra/administrators/${OBJECT_ID}`)}?api-version=2025-08-01`;
    const answer = await rawRequest(emulator, "PUT", path, {
      body: JSON.stringify({ properties: administrator }),
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const operation = String(answer.headers["azure-asyncoperation"] ?? "");
    assert.ok(operation);
    assert.ok(answer.headers["location"]);
    for (let attempt = 0; ; attempt++) {
      const status = (await rawRequest(emulator, "GET", operation)).body as { status?: string };
      if (status.status === "Succeeded") break;
      assert.ok(attempt < 200 && status.status !== "Failed", JSON.stringify(status));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const added = await clients.postgres.administratorsMicrosoftEntra.get(rg, "pg-entra", OBJECT_ID);
    assert.equal(added.objectId, OBJECT_ID);
    assert.equal(added.principalType, "ServicePrincipal");
    assert.equal(added.principalName, "id-workload");
    const listed = [];
    for await (const item of clients.postgres.administratorsMicrosoftEntra.listByServer(rg, "pg-entra"))
      listed.push(item.objectId);
    assert.deepEqual(listed, [OBJECT_ID]);
  });

  test("fails an Entra administrator on a server whose Entra authentication is off", async () => {
    await assert.rejects(
      clients.postgres.administratorsMicrosoftEntra.beginCreateOrUpdateAndWait(
        rg,
        "pg-linked",
        OBJECT_ID,
        administrator,
        poll,
      ),
      { statusCode: 400, code: "AadAuthenticationNotEnabled" },
    );
  });

  test("fails an unknown principal type", async () => {
    await assert.rejects(
      clients.postgres.administratorsMicrosoftEntra.beginCreateOrUpdateAndWait(
        rg,
        "pg-entra",
        OBJECT_ID,
        { ...administrator, principalType: "ManagedIdentity" },
        poll,
      ),
      { statusCode: 400, code: "InvalidParameterValue" },
    );
  });

  test("removes an administrator", async () => {
    await clients.postgres.administratorsMicrosoftEntra.beginDeleteAndWait(rg, "pg-entra", OBJECT_ID, poll);
    await assert.rejects(clients.postgres.administratorsMicrosoftEntra.get(rg, "pg-entra", OBJECT_ID), {
      statusCode: 404,
    });
  });
});

describe("AKS outbound through a NAT gateway", () => {
  test("fails with SubnetNotAssociatedWithNATGateway when the node subnet has no NAT gateway", async () => {
    await assert.rejects(
      clients.aks.managedClusters.createOrUpdate(
        rg,
        "aks-nonat",
        {
          location: LOCATION,
          dnsPrefix: "x",
          agentPoolProfiles: [
            {
              name: "system",
              mode: "System",
              count: 1,
              vmSize: "Standard_D4s_v5",
              vnetSubnetID: subnetId(rg, "vnet", "plain"),
            },
          ],
          networkProfile: { outboundType: "userAssignedNATGateway" },
        },
        poll,
      ),
      { statusCode: 400, code: "SubnetNotAssociatedWithNATGateway" },
    );
  });
});

describe("globally unique names", () => {
  test("fails with NameNotAvailable for a Redis name taken in another resource group", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-val-2", { location: LOCATION });
    await clients.redis.redis.beginCreateAndWait(rg, "cache-unique", redisBody, poll);
    await assert.rejects(
      clients.redis.redis.beginCreateAndWait("rg-val-2", "cache-unique", redisBody, poll),
      { statusCode: 409, code: "NameNotAvailable" },
    );
  });

  test("fails with VaultAlreadyExists for a vault name taken in another resource group", async () => {
    await clients.keyVault.vaults.createOrUpdate(rg, "kv-unique", vaultBody(), poll);
    await assert.rejects(clients.keyVault.vaults.createOrUpdate("rg-val-2", "kv-unique", vaultBody(), poll), {
      statusCode: 409,
      code: "VaultAlreadyExists",
    });
  });
});

describe("operations in progress", () => {
  test("fails with AnotherOperationInProgress for a write while the resource's operation runs", async () => {
    const poller = await clients.redis.redis.beginCreate(rg, "cache-busy", redisBody, poll);
    await assert.rejects(clients.redis.redis.beginCreateAndWait(rg, "cache-busy", redisBody, poll), {
      statusCode: 409,
      code: "AnotherOperationInProgress",
    });
    await poller.pollUntilDone();
    const updated = await clients.redis.redis.beginUpdateAndWait(
      rg,
      "cache-busy",
      { tags: { after: "done" } },
      poll,
    );
    assert.deepEqual(updated.tags, { after: "done" });
  });
});
