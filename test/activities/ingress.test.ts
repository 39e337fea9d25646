/**
 * The reachability modules built with the activities against the emulator, node after node with each
 * node handed the facts its dependencies reported (as the build does): the add-ons on the cluster, the
 * roles for the identities they bring, the certificate awaited and then found in Key Vault, the ingress
 * controller on the static IP serving it, STRICT mutual TLS, the zone's records to the IP; applied again
 * with no write on any plane; a new certificate version rolled out by the next apply.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node" with {
  "resolution-mode": "import",
};
import {
  createTestCertificate,
  DEFAULT_EMULATOR_PRINCIPAL_ID,
  DEFAULT_EMULATOR_TENANT_ID,
  type TestCertificate,
} from "@azure-env-provisioner/azure-emulator";
import { createArmSteps } from "../../activities/arm-step";
import { isActivityFailure, type EnsureResult, type ResourceFacts } from "../../activities/contract";
import { ensureObject, objectApiFor } from "../../activities/kubernetes-objects";
import { createProvisioningActivities } from "../../activities/provisioning";
import { parseResourceId } from "../../lib/azure/resource-id";
import { checkCertificateUpload } from "../../lib/certificates/bundle";
import { importCertificate } from "../../lib/certificates/key-vault";
import { factsFor } from "../../lib/plan/facts";
import { planEnvironment } from "../../lib/plan/plan";
import type { KubernetesObjectDesired, Plan, PlanNode, TlsCertificateDesired } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument, SUBSCRIPTION_ID } from "../spec/fixtures";
import { ensureNodeRetrying, startFixture, waitForOperation, type EmulatorFixture } from "./emulator-fixture";

const REACHABILITY_MODULES = [
  { type: "k8s-base" },
  { type: "external-ssl-cert", domain: "*.example.com" },
  { type: "dns", domain: "example.com" },
];

function ingressPlan(modules: Record<string, unknown>[] = REACHABILITY_MODULES): Plan {
  const result = validateSpec({
    ...specDocument([{ type: "base" }, { type: "k8s-cluster", kubernetes_version: "1.35" }, ...modules]),
    // The vault's tenant is the emulator credential's: Key Vault refuses tokens of another tenant.
    providers: {
      azurerm: {
        location: "eastus2",
        tenant_id: DEFAULT_EMULATOR_TENANT_ID,
        subscription_id: SUBSCRIPTION_ID,
      },
    },
  });
  assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.problems));
  return planEnvironment(result.spec, {
    provisionerPrincipalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}

describe("building k8s-base, external-ssl-cert and dns with the activities", () => {
  const plan = ingressPlan();
  const nodeOf = (key: string): PlanNode => plan.nodes.find((node) => node.key === key)!;
  let fixture: EmulatorFixture;
  let facts: Record<string, ResourceFacts> = {};
  /** Everything any activity returned, to scan for key material. */
  const outputs: unknown[] = [];
  let certificate: TestCertificate;

  /** Ensures `node` once (and waits for its operation), as a node's orchestration would; its outcome. */
  async function ensure(node: PlanNode): Promise<EnsureResult> {
    const activities = createProvisioningActivities(fixture.clients);
    const result = await ensureNodeRetrying(activities, { node, facts: factsFor(node, facts) }, outputs);
    assert.ok(!isActivityFailure(result), `${node.key}: ${JSON.stringify(result)}`);
    if (result.outcome === "pending") {
      const end = await waitForOperation(createArmSteps(fixture.clients), result);
      outputs.push(end);
      assert.equal(end?.outcome, "succeeded", `${node.key}: ${JSON.stringify(end)}`);
      if (end?.outcome === "succeeded" && end.facts) facts[node.key] = end.facts;
      return { ...result, outcome: "succeeded" } as EnsureResult;
    } else if (result.outcome !== "awaitingInput" && result.facts) facts[node.key] = result.facts;
    return result;
  }

  /**
   * Applies the plan in order, as the build schedules it: a node whose dependencies are not all done is
   * not started (`waiting`); the outcome of each node.
   */
  async function apply(): Promise<Record<string, string>> {
    facts = {};
    const outcomes: Record<string, string> = {};
    const done = (key: string) => ["succeeded", "unchanged"].includes(outcomes[key] ?? "");
    for (const node of plan.nodes) {
      outcomes[node.key] = node.dependsOn.every(done) ? (await ensure(node)).outcome : "waiting";
    }
    return outcomes;
  }

  /** Uploads `pem` to the environment's vault as the certificate, as the upload route does. */
  async function upload(bundle: TestCertificate): Promise<void> {
    const desired = nodeOf("external-ssl-cert/certificate").desired as unknown as TlsCertificateDesired;
    const checked = checkCertificateUpload({
      format: "pem",
      body: Buffer.from(bundle.bundlePem),
      domain: desired.domain,
      nowMs: Date.now(),
    });
    assert.ok(checked.ok, JSON.stringify(checked));
    const client = await fixture.clients.certificateClientForVault(desired.vaultId);
    await importCertificate(client, desired.certificateName, checked.certificate, { budgetMs: 5_000 });
  }

  let objects: KubernetesObjectApi;
  const live = async (key: string): Promise<KubernetesObject & { spec?: Record<string, unknown> }> => {
    const { object } = nodeOf(key).desired as unknown as KubernetesObjectDesired;
    return (await objects.read({
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: { name: object.metadata.name, namespace: object.metadata.namespace },
    } as never)) as KubernetesObject & { spec?: Record<string, unknown> };
  };

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: SUBSCRIPTION_ID });
    certificate = createTestCertificate({ dnsNames: ["example.com", "*.example.com"] });
  });
  after(async () => fixture?.stop());

  it("builds everything but the certificate's dependents, awaiting the upload at the certificate", async () => {
    const outcomes = await apply();
    assert.equal(outcomes["external-ssl-cert/certificate"], "awaitingInput");
    assert.deepEqual(
      Object.entries(outcomes)
        .filter(([, outcome]) => outcome === "waiting")
        .map(([key]) => key),
      ["k8s-base/ingress-controller"],
    );
    const awaited = outputs.find(
      (output) => (output as { outcome?: string } | undefined)?.outcome === "awaitingInput",
    ) as { awaiting: { event: string; reason: string } };
    assert.equal(awaited.awaiting.event, "certificateUploaded");
    assert.match(
      awaited.awaiting.reason,
      /upload it \(PEM chain \+ key, or PFX\) with PUT \/api\/environments\/acme-staging\/certificates\/external-ssl-cert/,
    );
  });

  it("builds every node once the certificate is in Key Vault", async () => {
    await upload(certificate);
    const outcomes = await apply();
    for (const [key, outcome] of Object.entries(outcomes)) {
      assert.ok(["succeeded", "unchanged"].includes(outcome), `${key}: ${outcome}`);
    }
    objects = await objectApiFor(fixture.clients, nodeOf("k8s-cluster/cluster").id);
  });

  it("gives the cluster both add-ons, and the roles to the identities they bring", async () => {
    const id = parseResourceId(nodeOf("k8s-cluster/cluster").id);
    const cluster = await fixture.clients.containerService.managedClusters.get(id.resourceGroup, id.name);
    assert.equal(cluster.ingressProfile?.webAppRouting?.enabled, true);
    assert.deepEqual(cluster.serviceMeshProfile?.istio?.revisions, ["asm-1-30"]);
    const roles = await Promise.all(
      ["k8s-base/role-cluster-network-contributor", "external-ssl-cert/role-ingress-vault-secrets-user"].map(
        (key) => {
          const node = nodeOf(key);
          return fixture.clients.authorization.roleAssignments.get(
            node.id.split("/providers/Microsoft.Authorization/")[0]!,
            node.name,
          );
        },
      ),
    );
    assert.equal(roles[0]?.principalId, cluster.identity?.principalId);
    assert.equal(roles[1]?.principalId, cluster.ingressProfile?.webAppRouting?.identity?.objectId);
  });

  it("points the ingress controller at the static IP and the certificate's current version", async () => {
    const ip = parseResourceId(nodeOf("k8s-base/ingress-ip").id);
    const address = await fixture.clients.network.publicIPAddresses.get(ip.resourceGroup, ip.name);
    const controller = await live("k8s-base/ingress-controller");
    const spec = controller.spec as {
      loadBalancerAnnotations: Record<string, string>;
      defaultSSLCertificate: { keyVaultURI: string };
    };
    assert.equal(spec.loadBalancerAnnotations["service.beta.kubernetes.io/azure-pip-name"], ip.name);
    assert.equal(
      spec.loadBalancerAnnotations["service.beta.kubernetes.io/azure-load-balancer-resource-group"],
      ip.resourceGroup,
    );
    const desired = nodeOf("external-ssl-cert/certificate").desired as unknown as TlsCertificateDesired;
    const current = await (
      await fixture.clients.certificateClientForVault(desired.vaultId)
    ).getCertificate(desired.certificateName);
    assert.equal(spec.defaultSSLCertificate.keyVaultURI, current.properties.id);
    assert.equal(facts["k8s-base/ingress-ip"]?.ipAddress, address.ipAddress);
  });

  it("sets STRICT mutual TLS in the environment's namespace, labelled for the mesh revision", async () => {
    assert.deepEqual((await live("k8s-base/mesh-strict-mtls")).spec, { mtls: { mode: "STRICT" } });
    assert.equal((await live("k8s-base/mesh-namespace")).metadata?.labels?.["istio.io/rev"], "asm-1-30");
  });

  it("points the zone's A records at the ingress IP, and reports the zone's name servers", async () => {
    const zone = parseResourceId(nodeOf("dns/zone").id);
    for (const name of ["@", "*"]) {
      const record = await fixture.clients.dns.recordSets.get(zone.resourceGroup, zone.name, name, "A");
      assert.deepEqual(record.aRecords, [{ ipv4Address: facts["k8s-base/ingress-ip"]?.ipAddress }]);
    }
    assert.equal(facts["dns/zone"]?.nameServers?.split(",").length, 4);
  });

  it("does zero writes on any plane when applied again", async () => {
    const before = fixture.emulator.admin.requestLog().length;
    const outcomes = await apply();
    assert.deepEqual(
      Object.entries(outcomes).filter(([, outcome]) => outcome !== "unchanged"),
      [],
    );
    const writes = fixture.emulator.admin
      .requestLog()
      .slice(before)
      .filter(
        (entry) =>
          ["PUT", "PATCH", "DELETE"].includes(entry.method) ||
          (entry.method === "POST" && !/\/list[A-Za-z]*$/i.test(entry.path)),
      );
    assert.deepEqual(writes, []);
  });

  it("rolls the ingress to a new certificate version on the next apply, writing only the controller", async () => {
    await upload(createTestCertificate({ dnsNames: ["*.example.com"] }));
    const outcomes = await apply();
    assert.deepEqual(
      Object.entries(outcomes).filter(([, outcome]) => outcome !== "unchanged"),
      [["k8s-base/ingress-controller", "succeeded"]],
    );
    const spec = (await live("k8s-base/ingress-controller")).spec as {
      defaultSSLCertificate: { keyVaultURI: string };
    };
    assert.equal(
      spec.defaultSSLCertificate.keyVaultURI,
      facts["external-ssl-cert/certificate"]?.certificateId,
    );
  });

  it("returns no byte of the private key from any activity", () => {
    const serialized = JSON.stringify(outputs);
    const keyLines = certificate.privateKeyPem
      .split("\n")
      .filter((line) => line && !line.startsWith("-----"));
    for (const line of keyLines) assert.equal(serialized.includes(line), false);
    assert.equal(serialized.includes("PRIVATE KEY"), false);
  });
});

describe("the generic Kubernetes step's ownership of an object", () => {
  let fixture: EmulatorFixture;
  let objects: KubernetesObjectApi;
  // A cluster without k8s-base: no add-on, so none of their kinds is served.
  const plan = ingressPlan([]);
  const cluster = plan.nodes.find((node) => node.kind === "managedCluster")!;

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: SUBSCRIPTION_ID });
    const activities = createProvisioningActivities(fixture.clients);
    const facts: Record<string, ResourceFacts> = {};
    // The cluster and what it needs, without the add-ons' objects.
    const needed = new Set<string>();
    const collect = (key: string) => {
      if (needed.has(key)) return;
      needed.add(key);
      for (const dependency of plan.nodes.find((node) => node.key === key)!.dependsOn) collect(dependency);
    };
    collect("k8s-cluster/role-cluster-admin");
    for (const node of plan.nodes.filter((candidate) => needed.has(candidate.key))) {
      const result = await ensureNodeRetrying(activities, { node, facts: factsFor(node, facts) });
      assert.ok(!isActivityFailure(result) && result.outcome !== "awaitingInput", JSON.stringify(result));
      if (result.outcome === "pending") {
        const end = await waitForOperation(createArmSteps(fixture.clients), result);
        if (end?.outcome === "succeeded" && end.facts) facts[node.key] = end.facts;
      } else if (result.facts) facts[node.key] = result.facts;
    }
    objects = await objectApiFor(fixture.clients, cluster.id);
  });
  after(async () => fixture?.stop());

  const namespace = (labels: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shared", labels },
  });

  it("merges only its labels into an object someone else made, keeping theirs, and then writes nothing", async () => {
    await objects.create(namespace({ team: "payments" }) as KubernetesObject);
    assert.deepEqual(await ensureObject(objects, namespace({ "istio.io/rev": "asm-1-30" }), "labels"), {
      action: "update",
      changedPaths: ["metadata.labels"],
    });
    const read = await objects.read(namespace({}) as never);
    assert.equal(read.metadata?.labels?.team, "payments");
    assert.equal(read.metadata?.labels?.["istio.io/rev"], "asm-1-30");
    assert.deepEqual(await ensureObject(objects, namespace({ "istio.io/rev": "asm-1-30" }), "labels"), {
      action: "none",
    });
  });

  it("creates what it needs only when absent (ifAbsent), never changing it", async () => {
    assert.deepEqual(await ensureObject(objects, namespace({ other: "x" }), "ifAbsent"), { action: "none" });
    assert.equal((await objects.read(namespace({}) as never)).metadata?.labels?.other, undefined);
  });

  it("fails retryably while the cluster does not serve an add-on's kind yet", async () => {
    await assert.rejects(
      ensureObject(
        objects,
        {
          apiVersion: "security.istio.io/v1",
          kind: "PeerAuthentication",
          metadata: { name: "default", namespace: "shared" },
          spec: { mtls: { mode: "STRICT" } },
        },
        "object",
      ),
      { code: "KubernetesKindNotServed", retryable: true },
    );
  });
});
