import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { AKS_AAD_SERVER_APP_ID } from "../src/dataplane.js";
import type { RunningEmulator } from "../src/index.js";
import { AKS_RBAC_ROLES } from "../src/kubernetes/index.js";
import { kubectlUnavailableReason, kubectlWith } from "./support/kubernetes-kubectl.js";
import { armClients, LOCATION, poll } from "./fixtures.js";
import type { ArmClients } from "./fixtures.js";
import { credential, ROLE_PROPAGATION_WAIT_MS, startTestEmulator, SUBSCRIPTION_ID } from "./harness.js";

interface UserKubeconfig {
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
}

/** A kubeconfig with the cluster's server and CA and our own bearer token instead of kubelogin. */
function withBearerToken(kubeconfig: UserKubeconfig, token: string): string {
  const cluster = kubeconfig.clusters[0];
  assert.ok(cluster, "the kubeconfig names a cluster");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [cluster],
    users: [{ name: "provisioner", user: { token } }],
    contexts: [{ name: "aks", context: { cluster: cluster.name, user: "provisioner" } }],
    "current-context": "aks",
  });
}

describe("Kubernetes API through the full emulator", () => {
  let emulator: RunningEmulator;
  let clients: ArmClients;

  before(async () => {
    emulator = await startTestEmulator();
    clients = armClients(emulator);
  });
  after(() => emulator.stop());

  test("creates an AAD cluster with arm-containerservice and writes and reads secrets with client-node and kubectl", async () => {
    const rg = "rg-k8s-plane";
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
    const cluster = await clients.aks.managedClusters.createOrUpdate(
      rg,
      "aks-plane-it",
      {
        location: LOCATION,
        identity: { type: "SystemAssigned" },
        dnsPrefix: "plane",
        agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4s_v5" }],
        aadProfile: { managed: true, enableAzureRbac: true },
        disableLocalAccounts: true,
      },
      poll,
    );
    const credentials = await clients.aks.managedClusters.listClusterUserCredentials(rg, "aks-plane-it");
    const userKubeconfig = parse(
      Buffer.from(credentials.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
    ) as UserKubeconfig;

    const token = (await credential.getToken(`${AKS_AAD_SERVER_APP_ID}/.default`)).token;
    const { CoreV1Api, KubeConfig } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    config.loadFromString(withBearerToken(userKubeconfig, token));
    const core = config.makeApiClient(CoreV1Api);

    await assert.rejects(core.listNamespace(), { code: 403 });
    await clients.authorization.roleAssignments.create(
      cluster.id ?? "",
      "44444444-4444-4444-8444-444444444444",
      {
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${AKS_RBAC_ROLES.clusterAdmin}`,
        principalId: credential.objectId,
      },
    );
    await delay(ROLE_PROPAGATION_WAIT_MS);

    await core.createNamespace({ body: { metadata: { name: "env-dev" } } });
    await core.createNamespacedSecret({
      namespace: "env-dev",
      body: { metadata: { name: "db" }, stringData: { db_password: "s3cret" } },
    });
    const read = await core.readNamespacedSecret({ namespace: "env-dev", name: "db" });
    assert.equal(Buffer.from(read.data?.db_password ?? "", "base64").toString("utf8"), "s3cret");

    const skipKubectl = await kubectlUnavailableReason();
    if (skipKubectl) return;
    const kubectl = await kubectlWith(withBearerToken(userKubeconfig, token));
    try {
      const result = await kubectl.run("get", "secret", "-n", "env-dev", "db", "-o", "json");
      assert.equal(result.exitCode, 0, result.stderr);
      const secret = JSON.parse(result.stdout) as { data: Record<string, string> };
      assert.equal(Buffer.from(secret.data.db_password ?? "", "base64").toString("utf8"), "s3cret");
    } finally {
      await kubectl.dispose();
    }
  });
});
