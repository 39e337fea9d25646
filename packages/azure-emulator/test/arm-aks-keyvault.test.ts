import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { get as httpsGet } from "node:https";
import { SecretClient } from "@azure/keyvault-secrets";
import { parse } from "yaml";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, resourceId, subnetId, vaultBody, type ArmClients } from "./fixtures.js";
import { credential, startTestEmulator, SUBSCRIPTION_ID } from "./harness.js";

const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const roleDefinitionId = (id: string) =>
  `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${id}`;

let emulator: RunningEmulator;
let clients: ArmClients;

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
});
after(() => emulator.stop());

interface Kubeconfig {
  clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
  users: { name: string; user: { token?: string; exec?: { command: string } } }[];
}

const decodeKubeconfig = (value: Uint8Array | undefined): Kubeconfig =>
  parse(Buffer.from(value ?? new Uint8Array()).toString("utf8")) as Kubeconfig;

/** GETs a URL trusting only the emulator CA; resolves to the status code (TLS failures reject). */
function statusOf(url: string, ca: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", reject);
  });
}

describe("AKS managed clusters (modular client, Azure-AsyncOperation)", () => {
  const rg = "rg-aks";
  let nodesSubnet: string;

  before(async () => {
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
    const ip = await clients.network.publicIPAddresses.beginCreateOrUpdateAndWait(
      rg,
      "ip",
      { location: LOCATION, sku: { name: "Standard" } },
      poll,
    );
    const nat = await clients.network.natGateways.beginCreateOrUpdateAndWait(
      rg,
      "nat",
      { location: LOCATION, publicIpAddresses: [{ id: ip.id }] },
      poll,
    );
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      {
        location: LOCATION,
        addressSpace: { addressPrefixes: ["10.3.0.0/16"] },
        subnets: [{ name: "nodes", addressPrefix: "10.3.0.0/22", natGateway: { id: nat.id } }],
      },
      poll,
    );
    nodesSubnet = subnetId(rg, "vnet", "nodes");
  });

  const clusterBody = (extra: Record<string, unknown> = {}) => ({
    location: LOCATION,
    identity: { type: "SystemAssigned" as const },
    // The modular client's models are flat; it nests them under `properties` on the wire.
    ...{
      dnsPrefix: "dev",
      kubernetesVersion: "1.33.2",
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System" as const,
          count: 3,
          vmSize: "Standard_D4s_v5",
          availabilityZones: ["1", "2", "3"],
          vnetSubnetID: nodesSubnet,
        },
      ],
      networkProfile: {
        networkPlugin: "azure" as const,
        networkPluginMode: "overlay" as const,
        outboundType: "userAssignedNATGateway" as const,
        serviceCidr: "172.16.0.0/16",
        dnsServiceIP: "172.16.0.10",
      },
      oidcIssuerProfile: { enabled: true },
      ...extra,
    },
  });

  test("creates a cluster with fqdn, principalId and OIDC issuer", async () => {
    const cluster = await clients.aks.managedClusters.createOrUpdate(rg, "aks-local", clusterBody(), poll);
    assert.equal(cluster.provisioningState, "Succeeded");
    assert.match(cluster.fqdn ?? "", /^dev-[0-9a-f]{8}\.hcp\.eastus\.azmk8s\.io$/);
    assert.match(cluster.identity?.principalId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(cluster.oidcIssuerProfile?.issuerURL ?? "", /^https:\/\//);
  });

  test("returns an admin kubeconfig whose server is the emulator's Kubernetes API, trusted through the emulator CA", async () => {
    const result = await clients.aks.managedClusters.listClusterAdminCredentials(rg, "aks-local");
    const kubeconfig = decodeKubeconfig(result.kubeconfigs?.[0]?.value);
    const server = kubeconfig.clusters[0]?.cluster.server ?? "";
    assert.equal(
      server,
      emulator.kubernetesServerUrl(resourceId(rg, "Microsoft.ContainerService/managedClusters/aks-local")),
    );
    const ca = Buffer.from(
      kubeconfig.clusters[0]?.cluster["certificate-authority-data"] ?? "",
      "base64",
    ).toString("utf8");
    assert.equal(ca, emulator.caCertPem);
    const token = kubeconfig.users[0]?.user.token ?? "";
    assert.equal(await statusOf(`${server}/api`, ca, token), 200);
    assert.equal(await statusOf(`${server}/api`, ca), 401);
  });

  test("returns a kubelogin user credential for an AAD cluster and refuses admin credentials when local accounts are off", async () => {
    await clients.aks.managedClusters.createOrUpdate(
      rg,
      "aks-aad",
      clusterBody({ aadProfile: { managed: true, enableAzureRbac: true }, disableLocalAccounts: true }),
      poll,
    );
    const user = decodeKubeconfig(
      (await clients.aks.managedClusters.listClusterUserCredentials(rg, "aks-aad")).kubeconfigs?.[0]?.value,
    );
    assert.equal(user.users[0]?.user.exec?.command, "kubelogin");
    await assert.rejects(clients.aks.managedClusters.listClusterAdminCredentials(rg, "aks-aad"), {
      statusCode: 400,
      code: "BadRequest",
    });
  });

  test("deletes a cluster (Azure-AsyncOperation delete)", async () => {
    await clients.aks.managedClusters.delete(rg, "aks-aad", poll);
    await assert.rejects(clients.aks.managedClusters.get(rg, "aks-aad"), { statusCode: 404 });
  });
});

describe("Key Vault vaults (Location-polled PUT) and soft delete", () => {
  const rg = "rg-kv";
  before(() => clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION }));

  const secretClient = (vaultUri: string) =>
    new SecretClient(vaultUri, credential, {
      tlsOptions: { ca: emulator.caCertPem },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });

  test("creates a vault whose vaultUri serves its own data plane once the role assignment has propagated", async () => {
    const vault = await clients.keyVault.vaults.createOrUpdate(rg, "kv-dev-a1", vaultBody(), poll);
    const vaultUri = vault.properties.vaultUri ?? "";
    assert.match(vaultUri, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    await assert.rejects(secretClient(vaultUri).setSecret("db-password", "value-1"), { statusCode: 403 });
    await clients.authorization.roleAssignments.create(
      vault.id ?? "",
      "11111111-1111-4111-8111-111111111111",
      {
        roleDefinitionId: roleDefinitionId(KEY_VAULT_SECRETS_OFFICER),
        principalId: credential.objectId,
        principalType: "ServicePrincipal",
      },
    );
    // The emulator's RBAC propagation: 30 s x 0.0005 = 15 ms.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await secretClient(vaultUri).setSecret("db-password", "value-1");
    assert.equal((await secretClient(vaultUri).getSecret("db-password")).value, "value-1");
  });

  test("soft-deletes a vault: its name stays taken, it is listed as deleted, and recovery brings back its secrets", async () => {
    await clients.keyVault.vaults.delete(rg, "kv-dev-a1");
    await assert.rejects(clients.keyVault.vaults.get(rg, "kv-dev-a1"), { statusCode: 404 });
    const deleted = await clients.keyVault.vaults.getDeleted("kv-dev-a1", LOCATION);
    assert.equal(deleted.properties?.vaultId, resourceId(rg, "Microsoft.KeyVault/vaults/kv-dev-a1"));
    const names: string[] = [];
    for await (const v of clients.keyVault.vaults.listDeleted()) names.push(v.name ?? "");
    assert.ok(names.includes("kv-dev-a1"));
    await assert.rejects(clients.keyVault.vaults.createOrUpdate(rg, "kv-dev-a1", vaultBody(), poll), {
      statusCode: 409,
      code: "ConflictError",
    });

    const recovered = await clients.keyVault.vaults.createOrUpdate(
      rg,
      "kv-dev-a1",
      vaultBody({ createMode: "recover" }),
      poll,
    );
    const vaultUri = recovered.properties.vaultUri ?? "";
    await clients.authorization.roleAssignments.create(
      recovered.id ?? "",
      "22222222-2222-4222-8222-222222222222",
      {
        roleDefinitionId: roleDefinitionId(KEY_VAULT_SECRETS_OFFICER),
        principalId: credential.objectId,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal((await secretClient(vaultUri).getSecret("db-password")).value, "value-1");
  });

  test("updates a vault's tags synchronously (PATCH)", async () => {
    await clients.keyVault.vaults.createOrUpdate(rg, "kv-patch", vaultBody(), poll);
    const updated = await clients.keyVault.vaults.update(rg, "kv-patch", { tags: { team: "platform" } });
    assert.deepEqual(updated.tags, { team: "platform" });
    assert.equal(updated.properties?.enableRbacAuthorization, true);
  });

  test("purges a soft-deleted vault, freeing its name", async () => {
    await clients.keyVault.vaults.createOrUpdate(rg, "kv-purge-me", vaultBody(), poll);
    await clients.keyVault.vaults.delete(rg, "kv-purge-me");
    await clients.keyVault.vaults.purgeDeleted("kv-purge-me", LOCATION, poll);
    await assert.rejects(clients.keyVault.vaults.getDeleted("kv-purge-me", LOCATION), { statusCode: 404 });
    const again = await clients.keyVault.vaults.createOrUpdate(rg, "kv-purge-me", vaultBody(), poll);
    assert.equal(again.properties.provisioningState, "Succeeded");
  });

  test("fails to purge a vault with purge protection (recover it instead)", async () => {
    await clients.keyVault.vaults.createOrUpdate(
      rg,
      "kv-protected",
      vaultBody({ enablePurgeProtection: true, enableSoftDelete: true }),
      poll,
    );
    await clients.keyVault.vaults.delete(rg, "kv-protected");
    await assert.rejects(clients.keyVault.vaults.purgeDeleted("kv-protected", LOCATION, poll), {
      statusCode: 409,
      code: "VaultPurgeProtected",
    });
  });

  test("fails to recover a vault that was never deleted", async () => {
    await assert.rejects(
      clients.keyVault.vaults.createOrUpdate(rg, "kv-never", vaultBody({ createMode: "recover" }), poll),
      {
        statusCode: 404,
        code: "DeletedVaultNotFound",
      },
    );
  });
});

describe("role assignments", () => {
  test("are created, read and deleted at subscription, group and resource scope", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-rbac", { location: LOCATION });
    const scopes = [
      `/subscriptions/${SUBSCRIPTION_ID}`,
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-rbac`,
    ];
    for (const [i, scope] of scopes.entries()) {
      const name = `3333333${i}-3333-4333-8333-333333333333`;
      const created = await clients.authorization.roleAssignments.create(scope, name, {
        roleDefinitionId: roleDefinitionId(KEY_VAULT_SECRETS_OFFICER),
        principalId: "44444444-4444-4444-8444-444444444444",
      });
      assert.equal(created.scope, scope);
      assert.equal(
        (await clients.authorization.roleAssignments.get(scope, name)).principalId,
        "44444444-4444-4444-8444-444444444444",
      );
      await clients.authorization.roleAssignments.delete(scope, name);
      await assert.rejects(clients.authorization.roleAssignments.get(scope, name), { statusCode: 404 });
    }
  });

  test("fails with RoleAssignmentExists for the same principal and role at the same scope under another name", async () => {
    const scope = `/subscriptions/${SUBSCRIPTION_ID}`;
    const body = {
      roleDefinitionId: roleDefinitionId(KEY_VAULT_SECRETS_OFFICER),
      principalId: "55555555-5555-4555-8555-555555555555",
    };
    await clients.authorization.roleAssignments.create(scope, "66666666-6666-4666-8666-666666666661", body);
    await assert.rejects(
      clients.authorization.roleAssignments.create(scope, "66666666-6666-4666-8666-666666666662", body),
      {
        statusCode: 409,
        code: "RoleAssignmentExists",
      },
    );
  });
});
