/**
 * What the reachability modules plan: the static IP and the nodes NSG's rule to it, the cluster's
 * add-ons, roles for principals only known at run time (fact references), the ingress controller on the
 * IP with the certificate, the mesh's namespace label and STRICT mutual TLS, the DNS zone and records.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { factReferencesOf, factSourcesOf, resolveFacts, withoutFactReferences } from "../../lib/plan/facts";
import {
  INGRESS_CONTROLLER,
  KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  NETWORK_CONTRIBUTOR_ROLE_ID,
} from "../../lib/plan/ingress";
import { planEnvironment } from "../../lib/plan/plan";
import type { JsonObject, KubernetesObjectDesired, Plan, PlanNode } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument } from "../spec/fixtures";

const CONTEXT = {
  provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
  provisionerIpRanges: ["203.0.113.0/24"],
};

function plan(modules: unknown[]): Plan {
  const result = validateSpec(specDocument(modules));
  assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.problems));
  return planEnvironment(result.spec, CONTEXT);
}

const ALL = [
  { type: "base" },
  { type: "k8s-cluster" },
  { type: "k8s-base", nginx_high_availability: true },
  { type: "external-ssl-cert", domain: "*.example.com" },
  { type: "dns", domain: "example.com" },
];

const node = (planned: Plan, key: string): PlanNode => {
  const found = planned.nodes.find((candidate) => candidate.key === key);
  assert.ok(found, `${key} is planned`);
  return found;
};
const objectOf = (planned: Plan, key: string) =>
  (node(planned, key).desired as unknown as KubernetesObjectDesired).object;

describe("planEnvironment with k8s-base, external-ssl-cert and dns", () => {
  const planned = plan(ALL);

  it("plans a static zone-redundant Standard IP and admits the internet to it on 80 and 443 at the nodes NSG", () => {
    const ip = node(planned, "k8s-base/ingress-ip");
    assert.equal(ip.kind, "publicIpAddress");
    assert.deepEqual(ip.desired.zones, ["1", "2", "3"]);
    assert.equal(ip.desired.publicIPAllocationMethod, "Static");
    assert.deepEqual(ip.desired.sku, { name: "Standard", tier: "Regional" });
    const nsg = node(planned, "base/nsg-nodes");
    assert.ok(nsg.dependsOn.includes(ip.key));
    assert.deepEqual(nsg.desired.securityRules, [
      {
        name: "allow-internet-to-ingress",
        protocol: "Tcp",
        sourceAddressPrefix: "Internet",
        sourcePortRange: "*",
        destinationAddressPrefix: { $fact: { node: ip.key, fact: "ipAddress" } },
        destinationPortRanges: ["80", "443"],
        access: "Allow",
        priority: 200,
        direction: "Inbound",
      },
    ]);
  });

  it("enables the application routing add-on without its default controller, the mesh and the Key Vault secrets provider", () => {
    const cluster = node(planned, "k8s-cluster/cluster").desired;
    assert.deepEqual(cluster.ingressProfile, {
      webAppRouting: { enabled: true, nginx: { defaultIngressControllerType: "None" } },
    });
    assert.deepEqual(cluster.serviceMeshProfile, { mode: "Istio", istio: { revisions: ["asm-1-30"] } });
    assert.deepEqual(cluster.addonProfiles, {
      azureKeyvaultSecretsProvider: {
        enabled: true,
        config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
      },
    });
  });

  it("grants the cluster identity Network Contributor on the resource group and the add-on identity Key Vault Secrets User", () => {
    const network = node(planned, "k8s-base/role-cluster-network-contributor");
    assert.match(String(network.desired.roleDefinitionId), new RegExp(`${NETWORK_CONTRIBUTOR_ROLE_ID}$`));
    assert.ok(
      network.id.startsWith(
        `/subscriptions/${planned.subscriptionId}/resourceGroups/${planned.resourceGroup}/providers/Microsoft.Authorization/`,
      ),
    );
    assert.deepEqual(network.desired.principalId, {
      $fact: { node: "k8s-cluster/cluster", fact: "principalId" },
    });
    const reader = node(planned, "external-ssl-cert/role-ingress-vault-secrets-user");
    assert.match(String(reader.desired.roleDefinitionId), new RegExp(`${KEY_VAULT_SECRETS_USER_ROLE_ID}$`));
    assert.deepEqual(reader.desired.principalId, {
      $fact: { node: "k8s-cluster/cluster", fact: "webAppRoutingObjectId" },
    });
    const officer = node(planned, "external-ssl-cert/role-vault-certificates-officer");
    assert.match(
      String(officer.desired.roleDefinitionId),
      new RegExp(`${KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID}$`),
    );
    assert.equal(officer.desired.principalId, CONTEXT.provisionerPrincipalId);
  });

  it("writes the ingress controller on the IP, with the certificate's current version as its default and HA replicas", () => {
    const controller = objectOf(planned, "k8s-base/ingress-controller");
    assert.equal(controller.kind, "NginxIngressController");
    assert.equal(controller.apiVersion, "approuting.kubernetes.azure.com/v1alpha1");
    assert.deepEqual(controller.spec, {
      ingressClassName: INGRESS_CONTROLLER.ingressClassName,
      controllerNamePrefix: INGRESS_CONTROLLER.controllerNamePrefix,
      loadBalancerAnnotations: {
        "service.beta.kubernetes.io/azure-pip-name": node(planned, "k8s-base/ingress-ip").name,
        "service.beta.kubernetes.io/azure-load-balancer-resource-group": planned.resourceGroup,
      },
      scaling: { minReplicas: 3, maxReplicas: 30 },
      defaultSSLCertificate: {
        keyVaultURI: { $fact: { node: "external-ssl-cert/certificate", fact: "certificateId" } },
        forceSSLRedirect: true,
      },
    });
    assert.deepEqual(node(planned, "k8s-base/ingress-controller").dependsOn, [
      "external-ssl-cert/certificate",
      "external-ssl-cert/role-ingress-vault-secrets-user",
      "k8s-base/ingress-ip",
      "k8s-base/role-cluster-network-contributor",
      "k8s-cluster/cluster",
      "k8s-cluster/role-cluster-admin",
    ]);
  });

  it("labels the environment's namespace for the revision and sets STRICT mutual TLS there", () => {
    const namespace = objectOf(planned, "k8s-base/mesh-namespace");
    assert.equal(namespace.metadata.name, "staging");
    assert.equal(namespace.metadata.labels?.["istio.io/rev"], "asm-1-30");
    assert.equal(
      (node(planned, "k8s-base/mesh-namespace").desired as unknown as KubernetesObjectDesired).ownership,
      "labels",
    );
    const strict = objectOf(planned, "k8s-base/mesh-strict-mtls");
    assert.equal(strict.apiVersion, "security.istio.io/v1");
    assert.equal(strict.kind, "PeerAuthentication");
    assert.deepEqual(strict.metadata, { ...strict.metadata, name: "default", namespace: "staging" });
    assert.deepEqual(strict.spec, { mtls: { mode: "STRICT" } });
  });

  it("plans the public zone and A records at the apex and for every name, both to the IP", () => {
    const zone = node(planned, "dns/zone");
    assert.equal(zone.kind, "dnsZone");
    assert.equal(zone.name, "example.com");
    assert.equal(zone.desired.location, "global");
    for (const [key, name] of [
      ["dns/record-apex", "@"],
      ["dns/record-wildcard", "*"],
    ] as const) {
      const record = node(planned, key);
      assert.equal(record.name, name);
      assert.equal(record.id, `${zone.id}/A/${name}`);
      assert.deepEqual(record.desired, {
        ttl: 3600,
        aRecords: [{ ipv4Address: { $fact: { node: "k8s-base/ingress-ip", fact: "ipAddress" } } }],
      });
    }
  });

  it("only ever refers to facts of nodes it depends on", () => {
    for (const each of planned.nodes) {
      for (const source of factSourcesOf(each))
        assert.ok(each.dependsOn.includes(source), `${each.key} → ${source}`);
    }
  });
});

describe("planEnvironment variations of the reachability modules", () => {
  it("turns the mesh off (linkerd_enabled: false) without namespace or PeerAuthentication nodes", () => {
    const planned = plan([
      { type: "base" },
      { type: "k8s-cluster" },
      { type: "k8s-base", linkerd_enabled: false },
    ]);
    assert.deepEqual(node(planned, "k8s-cluster/cluster").desired.serviceMeshProfile, { mode: "Disabled" });
    assert.equal(planned.nodes.filter((candidate) => candidate.key.startsWith("k8s-base/mesh-")).length, 0);
    assert.equal(
      node(planned, "k8s-cluster/cluster").desired.addonProfiles,
      undefined,
      "no certificate, no provider",
    );
  });

  it("uses a certificate already in another vault without roles on that vault", () => {
    const planned = plan([
      { type: "base" },
      { type: "k8s-cluster" },
      { type: "k8s-base" },
      {
        type: "external-ssl-cert",
        domain: "example.com",
        key_vault_certificate_id: "https://elsewhere.vault.azure.net/certificates/site",
      },
    ]);
    assert.equal(
      node(planned, "external-ssl-cert/certificate").desired.certificateId,
      "https://elsewhere.vault.azure.net/certificates/site",
    );
    assert.equal(planned.nodes.filter((candidate) => candidate.module === "external-ssl-cert").length, 1);
  });

  it("leaves an environment without these modules exactly as it was planned before", () => {
    const planned = plan([{ type: "base" }, { type: "k8s-cluster" }]);
    const cluster = node(planned, "k8s-cluster/cluster").desired;
    assert.equal(cluster.ingressProfile, undefined);
    assert.equal(cluster.serviceMeshProfile, undefined);
    assert.deepEqual(node(planned, "base/nsg-nodes").desired.securityRules, []);
  });
});

describe("fact references", () => {
  const desired: JsonObject = {
    principalId: { $fact: { node: "c", fact: "principalId" } },
    records: [{ ipv4Address: { $fact: { node: "ip", fact: "ipAddress" } } }],
    plain: "kept",
  };

  it("resolve to the facts their nodes reported", () => {
    assert.deepEqual(factReferencesOf(desired), [
      { node: "c", fact: "principalId" },
      { node: "ip", fact: "ipAddress" },
    ]);
    assert.deepEqual(resolveFacts(desired, { c: { principalId: "p-1" }, ip: { ipAddress: "20.1.2.3" } }), {
      ok: true,
      desired: { principalId: "p-1", records: [{ ipv4Address: "20.1.2.3" }], plain: "kept" },
    });
  });

  it("fail to resolve, naming what is missing, when a fact was not reported", () => {
    assert.deepEqual(resolveFacts(desired, { c: { principalId: "p-1" } }), {
      ok: false,
      missing: [{ node: "ip", fact: "ipAddress" }],
    });
  });

  it("are left out when compared without facts (a plan preview)", () => {
    assert.deepEqual(withoutFactReferences(desired), { records: [{}], plain: "kept" });
  });
});
