import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { EmulatorCredential } from "../src/credential";
import { AKS_AAD_SERVER_APP_ID } from "../src/dataplane";
import { AKS_RBAC_ROLES } from "../src/kubernetes";
import type { KubernetesHarness } from "./support/kubernetes-harness";
import { startKubernetesHarness } from "./support/kubernetes-harness";
import type { Kubectl } from "./support/kubernetes-kubectl";
import { kubectlUnavailableReason, kubectlWith } from "./support/kubernetes-kubectl";

const PRINCIPAL_ID = "00000000-0000-0000-0000-0000000c0b01";

async function aksToken(): Promise<string> {
  const credential = new EmulatorCredential({ objectId: PRINCIPAL_ID });
  return (await credential.getToken(`${AKS_AAD_SERVER_APP_ID}/.default`)).token;
}

describe("kubectl against the emulated Kubernetes API (AAD token, Cluster Admin)", async () => {
  const skip = await kubectlUnavailableReason();
  let harness: KubernetesHarness;
  let kubectl: Kubectl;

  before(async () => {
    if (skip) return;
    harness = await startKubernetesHarness();
    harness.ctx.roleAssignments.push({
      principalId: PRINCIPAL_ID,
      scope: harness.cluster.id,
      roleDefinitionId: AKS_RBAC_ROLES.clusterAdmin,
    });
    kubectl = await kubectlWith(harness.kubeconfig(await aksToken()));
  });
  after(async () => {
    if (skip) return;
    await kubectl.dispose();
    await harness.close();
  });

  test("reads a secret written with client-node: `kubectl get secret -n X Y -o json`", { skip }, async () => {
    const core = await harness.core(await aksToken());
    await core.createNamespace({ body: { metadata: { name: "app" } } });
    await core.createNamespacedSecret({
      namespace: "app",
      body: { metadata: { name: "db", labels: { module: "db" } }, stringData: { db_password: "p@ss w0rd" } },
    });

    const result = await kubectl.run("get", "secret", "-n", "app", "db", "-o", "json");
    assert.equal(result.exitCode, 0, result.stderr);
    const secret = JSON.parse(result.stdout) as {
      kind: string;
      data: Record<string, string>;
      stringData?: unknown;
      metadata: { labels: Record<string, string> };
    };
    assert.equal(secret.kind, "Secret");
    assert.equal(Buffer.from(secret.data.db_password ?? "", "base64").toString("utf8"), "p@ss w0rd");
    assert.equal(secret.stringData, undefined);
    assert.deepEqual(secret.metadata.labels, { module: "db" });
  });

  test(
    "creates a namespace (`kubectl create namespace`) and lists it with `kubectl get ns`",
    { skip },
    async () => {
      const created = await kubectl.run("create", "namespace", "from-kubectl");
      assert.equal(created.exitCode, 0, created.stderr);
      assert.equal(created.stdout.trim(), "namespace/from-kubectl created");

      const listed = await kubectl.run("get", "ns");
      assert.equal(listed.exitCode, 0, listed.stderr);
      assert.match(listed.stdout, /^NAME\s+STATUS\s+AGE$/m);
      assert.match(listed.stdout, /^from-kubectl\s+Active\s+\d+s$/m);
      assert.match(listed.stdout, /^kube-system\s+Active/m);
    },
  );

  test("creates, lists and deletes a secret with kubectl", { skip }, async () => {
    const created = await kubectl.run(
      "create",
      "secret",
      "generic",
      "-n",
      "default",
      "cli",
      "--from-literal=k=v",
    );
    assert.equal(created.exitCode, 0, created.stderr);
    const listed = await kubectl.run("get", "secrets", "-n", "default", "-l", "!absent");
    assert.match(listed.stdout, /^cli\s+Opaque\s+1\s+/m);
    const deleted = await kubectl.run("delete", "secret", "-n", "default", "cli");
    assert.equal(deleted.exitCode, 0, deleted.stderr);
    const missing = await kubectl.run("get", "secret", "-n", "default", "cli");
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stderr, /NotFound.*secrets "cli" not found/);
  });

  test("fails with Unauthorized when the token is not valid for the cluster", { skip }, async () => {
    const stranger = await kubectlWith(harness.kubeconfig("not-a-token"));
    try {
      const result = await stranger.run("get", "ns");
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stderr, /You must be logged in to the server/);
    } finally {
      await stranger.dispose();
    }
  });
});
