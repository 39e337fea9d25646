import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node" with {
  "resolution-mode": "import",
};
import { EmulatorCredential } from "../src/credential";
import { AKS_AAD_SERVER_APP_ID } from "../src/dataplane";
import { AKS_RBAC_ROLES } from "../src/kubernetes";
import type { KubernetesHarness } from "./support/kubernetes-harness";
import { startKubernetesHarness } from "./support/kubernetes-harness";

const PRINCIPAL = "00000000-0000-0000-0000-00000000a11c";

/** client-node 1.x is an ES module; this CommonJS project loads it with a dynamic import. */
const clientNode = import("@kubernetes/client-node");

async function token(): Promise<string> {
  return (await new EmulatorCredential({ objectId: PRINCIPAL }).getToken(`${AKS_AAD_SERVER_APP_ID}/.default`))
    .token;
}

/** The HTTP code and Status reason a call fails with. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: number; reason?: string; message?: string }> {
  const { ApiException } = await clientNode;
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      const status = error.body
        ? (JSON.parse(String(error.body)) as { reason?: string; message?: string })
        : {};
      return { code: error.code, reason: status.reason, message: status.message };
    }
    return { code: 0, message: error instanceof Error ? error.message : String(error) };
  }
  assert.fail("expected the call to fail");
}

const nginx = (spec: Record<string, unknown>, name = "nginx-public"): KubernetesObject =>
  ({
    apiVersion: "approuting.kubernetes.azure.com/v1alpha1",
    kind: "NginxIngressController",
    metadata: { name },
    spec,
  }) as KubernetesObject;

const peerAuthentication = (namespace: string, mode: string): KubernetesObject =>
  ({
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: { name: "default", namespace },
    spec: { mtls: { mode } },
  }) as KubernetesObject;

describe("Kubernetes API: the kinds AKS add-ons install", () => {
  let harness: KubernetesHarness;
  let objects: KubernetesObjectApi;

  before(async () => {
    harness = await startKubernetesHarness();
    harness.ctx.roleAssignments.push({
      principalId: PRINCIPAL,
      scope: harness.cluster.id,
      roleDefinitionId: AKS_RBAC_ROLES.clusterAdmin,
    });
    objects = await harness.objects(await token());
  });
  after(() => harness.close());

  const enable = (...addOns: ("webAppRouting" | "istio")[]) =>
    harness.api.open({ ...harness.cluster, addOns });

  test("serves NginxIngressController and PeerAuthentication only while their add-ons are enabled", async () => {
    enable();
    const without = await refusal(
      objects.create(nginx({ ingressClassName: "aa", controllerNamePrefix: "aa" })),
    );
    // The client asks discovery for the group first; a server without the CRD answers 404.
    assert.equal(without.code, 404);
    enable("webAppRouting", "istio");
    const fresh = await harness.objects(await token());
    const created = await fresh.create(
      nginx({ ingressClassName: "nginx-public", controllerNamePrefix: "nginx-public" }),
    );
    assert.equal(created.apiVersion, "approuting.kubernetes.azure.com/v1alpha1");
    assert.equal(created.metadata?.namespace, undefined, "cluster-scoped");
    await fresh.delete(created);
  });

  test("lists the add-ons' groups in discovery, as CRDs add them", async () => {
    enable("webAppRouting", "istio");
    const { ApisApi, KubeConfig } = await clientNode;
    const config = new KubeConfig();
    config.loadFromString(harness.kubeconfig(await token()));
    // Every cluster serves the self-review and CRD groups; the add-ons' groups come after them.
    const ADDON_GROUPS = ["approuting.kubernetes.azure.com", "security.istio.io"];
    const groups = await config.makeApiClient(ApisApi).getAPIVersions();
    assert.deepEqual(
      groups.groups
        .filter((group) => ADDON_GROUPS.includes(group.name))
        .map((group) => [group.name, group.preferredVersion?.version]),
      [
        ["approuting.kubernetes.azure.com", "v1alpha1"],
        ["security.istio.io", "v1"],
      ],
    );
    enable();
    const none = await config.makeApiClient(ApisApi).getAPIVersions();
    const names = none.groups.map((group) => group.name);
    assert.ok(names.includes("authorization.k8s.io"), "the built-in groups stay");
    assert.deepEqual(
      names.filter((name) => ADDON_GROUPS.includes(name)),
      [],
    );
  });

  test("lists the add-ons' custom resource definitions while they are enabled, and none without them", async () => {
    enable("webAppRouting", "istio");
    const { ApiextensionsV1Api, KubeConfig } = await clientNode;
    const config = new KubeConfig();
    config.loadFromString(harness.kubeconfig(await token()));
    const api = config.makeApiClient(ApiextensionsV1Api);
    const listed = await api.listCustomResourceDefinition();
    assert.deepEqual(
      listed.items.map((definition) => [definition.metadata?.name, definition.spec.scope]),
      [
        ["nginxingresscontrollers.approuting.kubernetes.azure.com", "Cluster"],
        ["peerauthentications.security.istio.io", "Namespaced"],
      ],
    );
    const one = await api.readCustomResourceDefinition({ name: "peerauthentications.security.istio.io" });
    assert.equal(one.spec.names.kind, "PeerAuthentication");
    enable();
    assert.deepEqual((await api.listCustomResourceDefinition()).items, []);
  });

  test("defaults a NginxIngressController's names and refuses changing them after create (422)", async () => {
    enable("webAppRouting");
    const api = await harness.objects(await token());
    const created = await api.create(nginx({}, "defaulted"));
    assert.deepEqual((created as unknown as { spec: unknown }).spec, {
      controllerNamePrefix: "nginx",
      ingressClassName: "nginx.approuting.kubernetes.azure.com",
    });
    const changed = await refusal(
      api.replace({
        ...created,
        spec: { controllerNamePrefix: "other", ingressClassName: "nginx.approuting.kubernetes.azure.com" },
      } as KubernetesObject),
    );
    assert.equal(changed.code, 422);
    assert.match(changed.message ?? "", /controllerNamePrefix: Value is immutable/);
    await api.delete(created);
  });

  test("refuses a bad prefix, a certificate from both Key Vault and a Secret, and more minimum replicas than maximum", async () => {
    enable("webAppRouting");
    const api = await harness.objects(await token());
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ controllerNamePrefix: "Not_Valid", ingressClassName: "x" }, /spec\.controllerNamePrefix/],
      [
        {
          controllerNamePrefix: "xx",
          ingressClassName: "xx",
          defaultSSLCertificate: {
            keyVaultURI: "https://kv.vault.azure.net/certificates/c",
            secret: { name: "s", namespace: "n" },
          },
        },
        /mutually exclusive/,
      ],
      [
        { controllerNamePrefix: "xx", ingressClassName: "xx", scaling: { minReplicas: 5, maxReplicas: 2 } },
        /minReplicas must be at most maxReplicas/,
      ],
      [
        { controllerNamePrefix: "xx", ingressClassName: "xx", scaling: { threshold: "fast" } },
        /spec\.scaling\.threshold/,
      ],
    ];
    for (const [spec, message] of cases) {
      const refused = await refusal(api.create(nginx(spec, "bad")));
      assert.equal(refused.code, 422, JSON.stringify(spec));
      assert.match(refused.message ?? "", message);
    }
  });

  test("keeps a STRICT PeerAuthentication in its namespace, refuses an unknown mode, and removes it with the namespace", async () => {
    enable("istio");
    const api = await harness.objects(await token());
    await api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } } as KubernetesObject);
    const created = await api.create(peerAuthentication("shop", "STRICT"));
    assert.equal(created.metadata?.namespace, "shop");
    const unknown = await refusal(
      api.create({
        ...peerAuthentication("shop", "SOMETIMES"),
        metadata: { name: "other", namespace: "shop" },
      } as KubernetesObject),
    );
    assert.equal(unknown.code, 422);
    await api.delete({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } } as KubernetesObject);
    assert.equal((await refusal(api.read(peerAuthentication("shop", "STRICT") as never))).code, 404);
  });

  test("merges labels into a namespace with a JSON merge patch, keeping the others", async () => {
    const { PatchStrategy } = await clientNode;
    const api = await harness.objects(await token());
    await api.create({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "labelled", labels: { team: "a" } },
    } as KubernetesObject);
    await api.patch(
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "labelled", labels: { "istio.io/rev": "asm-1-28" } },
      } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    const read = await api.read({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "labelled" },
    } as never);
    assert.equal(read.metadata?.labels?.team, "a");
    assert.equal(read.metadata?.labels?.["istio.io/rev"], "asm-1-28");
  });
});
