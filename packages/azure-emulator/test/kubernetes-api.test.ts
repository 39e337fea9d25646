import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import type { CoreV1Api } from "@kubernetes/client-node" with { "resolution-mode": "import" };
import { EmulatorCredential } from "../src/credential";
import { AKS_AAD_SERVER_APP_ID } from "../src/dataplane";
import { AKS_RBAC_ROLES } from "../src/kubernetes";
import type { KubernetesHarness } from "./support/kubernetes-harness";
import { kubernetesEnvelope, lengthField, mapField, varintField } from "./support/kubernetes-protobuf";
import { startKubernetesHarness } from "./support/kubernetes-harness";

const AKS_SCOPE = `${AKS_AAD_SERVER_APP_ID}/.default`;

/** An AAD token for the AKS server app, as a provisioner would get it. */
async function aadToken(objectId = "00000000-0000-0000-0000-00000000a11c"): Promise<string> {
  return (await new EmulatorCredential({ objectId }).getToken(AKS_SCOPE)).token;
}

/** client-node 1.x is an ES module; this CommonJS project loads it with a dynamic import. */
const clientNode = import("@kubernetes/client-node");

/**
 * The ApiException a call fails with: its HTTP code and the Status body's reason and message (client-node
 * drops the body of a 401, so those are undefined there).
 */
async function apiErrorOf(
  promise: Promise<unknown>,
): Promise<{ code: number; reason?: string; message?: string }> {
  const { ApiException } = await clientNode;
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiException, `expected an ApiException, got ${String(error)}`);
    if (error.body === undefined) return { code: error.code };
    const status = JSON.parse(String(error.body)) as { kind: string; reason: string; message: string };
    assert.equal(status.kind, "Status");
    return { code: error.code, reason: status.reason, message: status.message };
  }
  assert.fail("expected the call to fail");
}

describe("Kubernetes API with @kubernetes/client-node 1.4 (AAD cluster, Cluster Admin)", () => {
  let harness: KubernetesHarness;
  let core: CoreV1Api;

  before(async () => {
    harness = await startKubernetesHarness();
    harness.ctx.roleAssignments.push({
      principalId: "00000000-0000-0000-0000-00000000a11c",
      scope: harness.cluster.id,
      roleDefinitionId: AKS_RBAC_ROLES.clusterAdmin,
    });
    core = await harness.core(await aadToken());
  });
  after(() => harness.close());

  test("creates a namespace (201) and reads it back Active with uid, resourceVersion and timestamp", async () => {
    const created = await core.createNamespace({
      body: { metadata: { name: "team-a", labels: { tier: "dev" } } },
    });
    assert.equal(created.metadata?.name, "team-a");
    assert.equal(created.status?.phase, "Active");
    assert.match(created.metadata?.uid ?? "", /^[0-9a-f-]{36}$/);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    const read = await core.readNamespace({ name: "team-a" });
    assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.equal(read.metadata?.labels?.["kubernetes.io/metadata.name"], "team-a");
  });

  test("lists the cluster's built-in namespaces alongside created ones", async () => {
    await core.createNamespace({ body: { metadata: { name: "listed-ns" } } });
    const names = (await core.listNamespace()).items.map((ns) => ns.metadata?.name);
    for (const expected of ["default", "kube-system", "listed-ns"])
      assert.ok(names.includes(expected), expected);
  });

  test("fails with 409 AlreadyExists when creating a namespace twice", async () => {
    await core.createNamespace({ body: { metadata: { name: "twice" } } });
    const error = await apiErrorOf(core.createNamespace({ body: { metadata: { name: "twice" } } }));
    assert.equal(error.code, 409);
    assert.equal(error.reason, "AlreadyExists");
    assert.equal(error.message, 'namespaces "twice" already exists');
  });

  test("fails with 422 Invalid for a namespace name that is not a DNS label", async () => {
    const error = await apiErrorOf(core.createNamespace({ body: { metadata: { name: "Not_Valid" } } }));
    assert.equal(error.code, 422);
    assert.equal(error.reason, "Invalid");
  });

  test("merges stringData into base64 data and never stores or returns stringData", async () => {
    await core.createNamespace({ body: { metadata: { name: "app" } } });
    const created = await core.createNamespacedSecret({
      namespace: "app",
      body: {
        metadata: { name: "db" },
        data: {
          host: Buffer.from("old-host").toString("base64"),
          port: Buffer.from("5432").toString("base64"),
        },
        stringData: { host: "db.internal", password: "p@ss" },
      },
    });
    assert.equal(created.stringData, undefined);
    assert.equal(created.type, "Opaque");
    const read = await core.readNamespacedSecret({ namespace: "app", name: "db" });
    assert.equal(read.stringData, undefined);
    const decoded = Object.fromEntries(
      Object.entries(read.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, "base64").toString("utf8"),
      ]),
    );
    assert.deepEqual(decoded, { host: "db.internal", port: "5432", password: "p@ss" });
  });

  test("fails with 404 NotFound when creating a secret in a missing namespace", async () => {
    const error = await apiErrorOf(
      core.createNamespacedSecret({
        namespace: "missing-ns",
        body: { metadata: { name: "s" }, stringData: { a: "b" } },
      }),
    );
    assert.equal(error.code, 404);
    assert.equal(error.reason, "NotFound");
    assert.equal(error.message, 'namespaces "missing-ns" not found');
  });

  test("fails with 404 NotFound reading a missing secret and 409 AlreadyExists creating one twice", async () => {
    await core.createNamespace({ body: { metadata: { name: "dup" } } });
    assert.equal((await apiErrorOf(core.readNamespacedSecret({ namespace: "dup", name: "nope" }))).code, 404);
    const body = { metadata: { name: "s" }, stringData: { a: "1" } };
    await core.createNamespacedSecret({ namespace: "dup", body });
    const error = await apiErrorOf(core.createNamespacedSecret({ namespace: "dup", body }));
    assert.equal(error.code, 409);
    assert.equal(error.reason, "AlreadyExists");
  });

  test("replaces a secret, bumping resourceVersion, and fails with 409 Conflict on a stale one", async () => {
    await core.createNamespace({ body: { metadata: { name: "replace" } } });
    const created = await core.createNamespacedSecret({
      namespace: "replace",
      body: { metadata: { name: "s" }, stringData: { v: "1" } },
    });
    const replaced = await core.replaceNamespacedSecret({
      namespace: "replace",
      name: "s",
      body: {
        metadata: { name: "s", resourceVersion: created.metadata?.resourceVersion },
        stringData: { v: "2" },
      },
    });
    assert.notEqual(replaced.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.equal(replaced.metadata?.uid, created.metadata?.uid);
    assert.deepEqual(replaced.data, { v: Buffer.from("2").toString("base64") });

    const stale = await apiErrorOf(
      core.replaceNamespacedSecret({
        namespace: "replace",
        name: "s",
        body: {
          metadata: { name: "s", resourceVersion: created.metadata?.resourceVersion },
          stringData: { v: "3" },
        },
      }),
    );
    assert.equal(stale.code, 409);
    assert.equal(stale.reason, "Conflict");
  });

  test("creates a service account with workload identity's client-id annotation and reads it back", async () => {
    await core.createNamespace({ body: { metadata: { name: "workload" } } });
    const created = await core.createNamespacedServiceAccount({
      namespace: "workload",
      body: {
        metadata: {
          name: "app",
          annotations: { "azure.workload.identity/client-id": "11111111-2222-3333-4444-555555555555" },
        },
      },
    });
    assert.equal(created.metadata?.namespace, "workload");
    const read = await core.readNamespacedServiceAccount({ name: "app", namespace: "workload" });
    assert.equal(
      read.metadata?.annotations?.["azure.workload.identity/client-id"],
      "11111111-2222-3333-4444-555555555555",
    );
    const listed = await core.listNamespacedServiceAccount({ namespace: "workload" });
    assert.deepEqual(
      listed.items.map((item) => item.metadata?.name),
      ["app"],
    );
  });

  test("fails with 404 when replacing a secret that does not exist", async () => {
    await core.createNamespace({ body: { metadata: { name: "replace-missing" } } });
    const error = await apiErrorOf(
      core.replaceNamespacedSecret({
        namespace: "replace-missing",
        name: "ghost",
        body: { metadata: { name: "ghost" }, stringData: { a: "b" } },
      }),
    );
    assert.equal(error.code, 404);
  });

  test("patches a secret with a merge patch and with a JSON patch", async () => {
    await core.createNamespace({ body: { metadata: { name: "patch" } } });
    await core.createNamespacedSecret({
      namespace: "patch",
      body: { metadata: { name: "s", labels: { keep: "yes" } }, stringData: { a: "1", b: "2" } },
    });
    const { PatchStrategy, setHeaderOptions } = await clientNode;
    const merged = await core.patchNamespacedSecret(
      {
        namespace: "patch",
        name: "s",
        body: { metadata: { labels: { added: "x" } }, stringData: { b: "20" } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.metadata?.labels, { keep: "yes", added: "x" });
    assert.equal(Buffer.from(merged.data?.b ?? "", "base64").toString(), "20");
    assert.equal(Buffer.from(merged.data?.a ?? "", "base64").toString(), "1");

    const jsonPatched = await core.patchNamespacedSecret({
      namespace: "patch",
      name: "s",
      body: [{ op: "remove", path: "/data/a" }],
    });
    assert.deepEqual(Object.keys(jsonPatched.data ?? {}), ["b"]);
  });

  test("lists secrets filtered by label selector", async () => {
    await core.createNamespace({ body: { metadata: { name: "labels" } } });
    for (const [name, tier] of [
      ["one", "db"],
      ["two", "cache"],
      ["three", "db"],
    ] as const) {
      await core.createNamespacedSecret({
        namespace: "labels",
        body: { metadata: { name, labels: { tier } }, stringData: { k: name } },
      });
    }
    const names = async (labelSelector: string) =>
      (await core.listNamespacedSecret({ namespace: "labels", labelSelector })).items.map(
        (s) => s.metadata?.name,
      );
    assert.deepEqual(await names("tier=db"), ["one", "three"]);
    assert.deepEqual(await names("tier in (cache)"), ["two"]);
    assert.deepEqual(await names("tier!=db"), ["two"]);
    assert.deepEqual(await names("tier,!missing"), ["one", "three", "two"]);
  });

  test("deletes a secret, then reading it fails with 404", async () => {
    await core.createNamespace({ body: { metadata: { name: "delete" } } });
    await core.createNamespacedSecret({
      namespace: "delete",
      body: { metadata: { name: "s" }, stringData: { a: "b" } },
    });
    const status = await core.deleteNamespacedSecret({ namespace: "delete", name: "s" });
    assert.equal(status.status, "Success");
    assert.equal((await apiErrorOf(core.readNamespacedSecret({ namespace: "delete", name: "s" }))).code, 404);
    assert.equal(
      (await apiErrorOf(core.deleteNamespacedSecret({ namespace: "delete", name: "s" }))).code,
      404,
    );
  });

  test("deleting a namespace terminates it: its secrets go, new ones are refused, then the namespace goes", async () => {
    // The namespace controller's pass (5 Azure seconds) lasts half a second at this scale.
    harness.ctx.scale = 0.1;
    await core.createNamespace({ body: { metadata: { name: "doomed" } } });
    await core.createNamespacedSecret({
      namespace: "doomed",
      body: { metadata: { name: "s" }, stringData: { a: "b" } },
    });
    const answered = await core.deleteNamespace({ name: "doomed" });
    assert.equal((answered as { status?: { phase?: string } }).status?.phase, "Terminating");
    const terminating = await core.readNamespace({ name: "doomed" });
    assert.equal(terminating.status?.phase, "Terminating");
    assert.ok(terminating.metadata?.deletionTimestamp);
    assert.equal((await core.listNamespacedSecret({ namespace: "doomed" })).items.length, 0);
    const refused = await apiErrorOf(
      core.createNamespacedSecret({ namespace: "doomed", body: { metadata: { name: "late" } } }),
    );
    assert.equal(refused.code, 403);
    assert.match(refused.message ?? "", /being terminated/);
    assert.equal((await apiErrorOf(core.deleteNamespace({ name: "doomed" }))).code, 409);
    for (let attempt = 0; ; attempt++) {
      const read = await core.readNamespace({ name: "doomed" }).then(
        () => 200,
        (error: { code?: number }) => error.code,
      );
      if (read === 404) break;
      assert.ok(attempt < 100, "the namespace is gone once its content is");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await core.createNamespace({ body: { metadata: { name: "doomed" } } });
    assert.equal((await core.listNamespacedSecret({ namespace: "doomed" })).items.length, 0);
  });

  test("fails with 403 Forbidden deleting a namespace every cluster needs", async () => {
    assert.equal((await apiErrorOf(core.deleteNamespace({ name: "kube-system" }))).code, 403);
  });
});

/** One raw request to the harness (for what client-node does not send: protobuf, no token). */
function rawRequest(
  harness: KubernetesHarness,
  path: string,
  token?: string,
  send?: { method: string; contentType: string; body: Buffer },
): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${harness.server.origin}${path}`,
      {
        method: send?.method ?? "GET",
        ca: harness.server.tls.caPem,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(send ? { "content-type": send.contentType, "content-length": String(send.body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"]),
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(send?.body);
  });
}

const rawGet = (harness: KubernetesHarness, path: string, token?: string) => rawRequest(harness, path, token);

describe("Kubernetes API: discovery and list options", () => {
  let harness: KubernetesHarness;
  let core: CoreV1Api;
  let token: string;

  before(async () => {
    harness = await startKubernetesHarness({ localAccountsDisabled: false });
    token = harness.api.adminToken(harness.cluster.id);
    core = await harness.core(token);
    await core.createNamespace({ body: { metadata: { name: "options" } } });
    await core.createNamespace({ body: { metadata: { name: "writes" } } });
    for (const name of ["a", "b", "c", "d", "e"]) {
      await core.createNamespacedSecret({
        namespace: "options",
        body: { metadata: { name }, stringData: { k: name } },
      });
    }
  });
  after(() => harness.close());

  test("serves /version to anyone, and discovery documents only with a valid token", async () => {
    const version = await rawGet(harness, "/version");
    assert.equal(version.status, 200);
    assert.match(String(version.body.gitVersion), /^v1\.\d+\.\d+$/);

    const anonymous = await rawGet(harness, "/api/v1");
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.kind, "Status");
    assert.equal(anonymous.body.reason, "Unauthorized");

    const resources = await rawGet(harness, "/api/v1", token);
    assert.equal(resources.body.kind, "APIResourceList");
    const served = resources.body.resources as { name: string; namespaced: boolean; verbs: string[] }[];
    assert.deepEqual(
      served.map((resource) => [resource.name, resource.namespaced]),
      [
        ["namespaces", false],
        ["secrets", true],
        ["serviceaccounts", true],
      ],
    );
    assert.ok(
      served.every((resource) =>
        ["create", "get", "list", "update", "patch", "delete"].every((verb) => resource.verbs.includes(verb)),
      ),
    );
    assert.deepEqual((await rawGet(harness, "/api", token)).body.versions, ["v1"]);
    assert.deepEqual(
      ((await rawGet(harness, "/apis", token)).body.groups as { name: string }[]).map((g) => g.name),
      ["apiextensions.k8s.io", "authentication.k8s.io", "authorization.k8s.io"],
    );
  });

  test("answers 404 NotFound for kinds and groups it does not serve, as a real server does", async () => {
    for (const path of [
      "/api/v1/configmaps",
      "/api/v1/namespaces/default/pods",
      "/apis/apps/v1",
      "/apis/apps/v1/deployments",
    ]) {
      const answer = await rawGet(harness, path, token);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.reason, "NotFound", path);
      assert.match(answer.contentType, /^application\/json/);
    }
  });

  test("pages a list with limit and continue", async () => {
    const first = await core.listNamespacedSecret({ namespace: "options", limit: 2 });
    assert.deepEqual(
      first.items.map((s) => s.metadata?.name),
      ["a", "b"],
    );
    assert.ok(first.metadata?._continue);
    const rest = await core.listNamespacedSecret({
      namespace: "options",
      limit: 10,
      _continue: first.metadata?._continue,
    });
    assert.deepEqual(
      rest.items.map((s) => s.metadata?.name),
      ["c", "d", "e"],
    );
    assert.equal(rest.metadata?._continue, undefined);
  });

  test("filters a list by field selector, and fails with 400 for an unsupported field", async () => {
    const byName = await core.listNamespacedSecret({
      namespace: "options",
      fieldSelector: "metadata.name=c",
    });
    assert.deepEqual(
      byName.items.map((s) => s.metadata?.name),
      ["c"],
    );
    const error = await apiErrorOf(
      core.listNamespacedSecret({ namespace: "options", fieldSelector: "spec.nope=1" }),
    );
    assert.equal(error.code, 400);
  });

  test("lists secrets across namespaces", async () => {
    const all = await core.listSecretForAllNamespaces();
    assert.ok(all.items.some((s) => s.metadata?.namespace === "options" && s.metadata.name === "a"));
  });

  test("creates a secret sent in the Kubernetes protobuf encoding, as kubectl sends built-in kinds", async () => {
    const metadata = Buffer.concat([
      lengthField(1, "from-protobuf"),
      lengthField(2, ""), // Go writes empty strings; they mean "unset"
      lengthField(3, "writes"),
      mapField(11, { source: "kubectl" }),
    ]);
    const secret = Buffer.concat([
      lengthField(1, metadata),
      mapField(2, { raw: Buffer.from("bytes-value") }),
      lengthField(3, "example.com/custom"),
      mapField(4, { text: "string-value" }),
      varintField(5, 1),
    ]);
    const answer = await rawRequest(harness, "/api/v1/namespaces/writes/secrets", token, {
      method: "POST",
      contentType: "application/vnd.kubernetes.protobuf",
      body: kubernetesEnvelope("v1", "Secret", secret),
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));

    const read = await core.readNamespacedSecret({ namespace: "writes", name: "from-protobuf" });
    assert.equal(read.type, "example.com/custom");
    assert.equal(read.immutable, true);
    assert.deepEqual(read.metadata?.labels, { source: "kubectl" });
    assert.equal(read.metadata?.generateName, undefined);
    const decoded = Object.fromEntries(
      Object.entries(read.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, "base64").toString("utf8"),
      ]),
    );
    assert.deepEqual(decoded, { raw: "bytes-value", text: "string-value" });
  });

  test("fails with 422 Invalid when changing the data of an immutable secret or a secret's type", async () => {
    await core.createNamespacedSecret({
      namespace: "writes",
      body: { metadata: { name: "frozen" }, immutable: true, stringData: { k: "1" } },
    });
    const changedData = await apiErrorOf(
      core.replaceNamespacedSecret({
        namespace: "writes",
        name: "frozen",
        body: { metadata: { name: "frozen" }, immutable: true, stringData: { k: "2" } },
      }),
    );
    assert.equal(changedData.code, 422);
    const changedType = await apiErrorOf(
      core.replaceNamespacedSecret({
        namespace: "writes",
        name: "frozen",
        body: { metadata: { name: "frozen" }, type: "kubernetes.io/basic-auth", stringData: { k: "1" } },
      }),
    );
    assert.equal(changedType.code, 422);
  });

  test("answers a dry-run create without storing, and names an object from generateName", async () => {
    await core.createNamespacedSecret({
      namespace: "writes",
      dryRun: "All",
      body: { metadata: { name: "dry" } },
    });
    assert.equal(
      (await apiErrorOf(core.readNamespacedSecret({ namespace: "writes", name: "dry" }))).code,
      404,
    );
    const generated = await core.createNamespacedSecret({
      namespace: "writes",
      body: { metadata: { generateName: "gen-" }, stringData: { k: "v" } },
    });
    assert.match(generated.metadata?.name ?? "", /^gen-[a-z0-9]{5}$/);
  });
});

describe("Kubernetes API: authentication and authorization", () => {
  test("fails with 401 Unauthorized without a token, with a garbage token, or with a token for ARM", async () => {
    const harness = await startKubernetesHarness();
    try {
      const armToken = (await new EmulatorCredential().getToken("https://management.azure.com/.default"))
        .token;
      for (const token of ["", "not-a-jwt", armToken]) {
        const error = await apiErrorOf((await harness.core(token)).listNamespace());
        assert.equal(error.code, 401, `token ${token.slice(0, 8)}…`);
      }
    } finally {
      await harness.close();
    }
  });

  test("fails with 403 Forbidden for a valid AAD token whose principal has no AKS RBAC role", async () => {
    const harness = await startKubernetesHarness();
    try {
      const error = await apiErrorOf(
        (await harness.core(await aadToken("nobody"))).readNamespacedSecret({
          namespace: "default",
          name: "x",
        }),
      );
      assert.equal(error.code, 403);
      assert.equal(error.reason, "Forbidden");
      assert.match(error.message ?? "", /User "nobody" cannot get resource "secrets"/);
    } finally {
      await harness.close();
    }
  });

  test("lets an RBAC Writer assigned at a namespace scope write secrets there and nowhere else", async () => {
    const harness = await startKubernetesHarness();
    try {
      harness.ctx.roleAssignments.push({
        principalId: "writer",
        scope: `${harness.cluster.id}/namespaces/default`,
        roleDefinitionId: AKS_RBAC_ROLES.writer,
      });
      const core = await harness.core(await aadToken("writer"));
      const body = { metadata: { name: "w" }, stringData: { a: "b" } };
      assert.equal((await core.createNamespacedSecret({ namespace: "default", body })).metadata?.name, "w");
      assert.equal(
        (await apiErrorOf(core.createNamespacedSecret({ namespace: "kube-public", body }))).code,
        403,
      );
    } finally {
      await harness.close();
    }
  });

  test("accepts the static admin token while local accounts are enabled, and refuses it once disabled", async () => {
    const harness = await startKubernetesHarness({ aadEnabled: false, localAccountsDisabled: false });
    try {
      const token = harness.api.adminToken(harness.cluster.id);
      assert.match(token, /^[0-9a-f]{64}$/);
      assert.ok((await (await harness.core(token)).listNamespace()).items.length > 0);
      assert.equal((await apiErrorOf((await harness.core(await aadToken())).listNamespace())).code, 401);

      harness.api.open({ ...harness.cluster, aadEnabled: true, localAccountsDisabled: true });
      assert.equal((await apiErrorOf((await harness.core(token)).listNamespace())).code, 401);
    } finally {
      await harness.close();
    }
  });
});

describe("Kubernetes API: state", () => {
  test("restores a snapshot (objects and admin token) and forgets a closed cluster", async () => {
    const first = await startKubernetesHarness({ localAccountsDisabled: false });
    const token = first.api.adminToken(first.cluster.id);
    await (await first.core(token)).createNamespace({ body: { metadata: { name: "kept" } } });
    const state = JSON.parse(JSON.stringify(first.api.snapshot())) as unknown;
    await first.close();

    const second = await startKubernetesHarness({ localAccountsDisabled: false });
    try {
      second.api.restore(state);
      assert.equal(second.api.adminToken(second.cluster.id), token);
      assert.equal((await (await second.core(token)).readNamespace({ name: "kept" })).metadata?.name, "kept");
      second.api.close(second.cluster.id);
      assert.equal((await apiErrorOf((await second.core(token)).listNamespace())).code, 404);
    } finally {
      await second.close();
    }
  });
});
