import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, resourceId, type ArmClients } from "./fixtures.js";
import { startTestEmulator } from "./harness.js";

let emulator: RunningEmulator;
let clients: ArmClients;

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
});
after(() => emulator.stop());

/** A small cluster (default outbound) with `extra` properties, in the modular client's flat shape. */
const clusterBody = (extra: Record<string, unknown> = {}, identity = true) => ({
  location: LOCATION,
  ...(identity ? { identity: { type: "SystemAssigned" as const } } : {}),
  dnsPrefix: "ingress",
  kubernetesVersion: "1.34",
  agentPoolProfiles: [{ name: "system", mode: "System" as const, count: 1, vmSize: "Standard_D4s_v5" }],
  ...extra,
});

const ADD_ONS = {
  ingressProfile: { webAppRouting: { enabled: true, nginx: { defaultIngressControllerType: "None" } } },
  serviceMeshProfile: { mode: "Istio", istio: { revisions: ["asm-1-27"] } },
  addonProfiles: {
    azureKeyvaultSecretsProvider: {
      enabled: true,
      config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
    },
  },
};

describe("AKS add-ons: application routing, Istio service mesh, Key Vault secrets provider", () => {
  const rg = "rg-ingress";
  before(() => clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION }));

  test("answers the add-on's own identity and the mesh revision once the cluster has them", async () => {
    const cluster = await clients.aks.managedClusters.createOrUpdate(
      rg,
      "aks-addons",
      clusterBody(ADD_ONS),
      poll,
    );
    const identity = cluster.ingressProfile?.webAppRouting?.identity;
    assert.match(identity?.objectId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(identity?.clientId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(
      identity?.resourceId ?? "",
      /\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\//,
    );
    assert.notEqual(identity?.objectId, cluster.identity?.principalId, "not the cluster's own identity");
    assert.deepEqual(cluster.serviceMeshProfile?.istio?.revisions, ["asm-1-27"]);
    assert.equal(cluster.addonProfiles?.azureKeyvaultSecretsProvider?.config?.enableSecretRotation, "true");
  });

  test("refuses an Istio revision the cluster's Kubernetes minor does not support, and unknown revisions", async () => {
    for (const revision of ["asm-1-28-nope", "asm-1-25"]) {
      await assert.rejects(
        clients.aks.managedClusters.createOrUpdate(
          rg,
          "aks-mesh",
          clusterBody({
            serviceMeshProfile: { mode: "Istio", istio: { revisions: [revision] } },
            kubernetesVersion: "1.34",
          }),
          poll,
        ),
        { statusCode: 400, code: "InvalidParameter" },
      );
    }
  });

  test("refuses the application routing add-on on a cluster without a managed identity", async () => {
    await assert.rejects(
      clients.aks.managedClusters.createOrUpdate(
        rg,
        "aks-no-identity",
        clusterBody({ ingressProfile: ADD_ONS.ingressProfile }, false),
        poll,
      ),
      { statusCode: 400, code: "InvalidParameter" },
    );
  });
});

describe("Azure DNS public zones and A record sets (api-version 2018-05-01)", () => {
  const rg = "rg-dns";
  before(() => clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION }));

  test("creates a zone at once with its four name servers, and A records at the apex and for every name", async () => {
    const zone = await clients.dns.zones.createOrUpdate(rg, "example.com", {
      location: "global",
      zoneType: "Public",
    });
    assert.equal(zone.nameServers?.length, 4);
    for (const server of zone.nameServers ?? [])
      assert.match(server, /^ns\d-0\d\.azure-dns\.(com|net|org|info)\.$/);
    const apex = await clients.dns.recordSets.createOrUpdate(rg, "example.com", "@", "A", {
      ttl: 3600,
      aRecords: [{ ipv4Address: "20.1.2.3" }],
    });
    assert.equal(apex.fqdn, "example.com.");
    assert.equal(apex.ttl, 3600);
    await clients.dns.recordSets.createOrUpdate(rg, "example.com", "*", "A", {
      ttl: 3600,
      aRecords: [{ ipv4Address: "20.1.2.3" }],
    });
    const wildcard = await clients.dns.recordSets.get(rg, "example.com", "*", "A");
    assert.deepEqual(wildcard.aRecords, [{ ipv4Address: "20.1.2.3" }]);
    assert.equal(wildcard.fqdn, "*.example.com.");
  });

  test("refuses a zone outside the global location and an A record that is no IPv4 address", async () => {
    await assert.rejects(clients.dns.zones.createOrUpdate(rg, "bad.example", { location: LOCATION }), {
      statusCode: 400,
    });
    await assert.rejects(
      clients.dns.recordSets.createOrUpdate(rg, "example.com", "www", "A", {
        ttl: 60,
        aRecords: [{ ipv4Address: "not-an-ip" }],
      }),
      { statusCode: 400 },
    );
  });

  test("deletes a zone with its record sets (202, then gone)", async () => {
    await clients.dns.zones.beginDeleteAndWait(rg, "example.com", poll);
    await assert.rejects(clients.dns.zones.get(rg, "example.com"), { statusCode: 404 });
    const state = emulator.admin.state() as { resources: { id: string }[] };
    assert.ok(
      !state.resources.some((resource) =>
        resource.id.startsWith(resourceId(rg, "Microsoft.Network/dnsZones/example.com")),
      ),
    );
  });
});
