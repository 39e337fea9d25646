/**
 * kubectl against the emulated API as against a real cluster: `apply` (client-side, with the OpenAPI it
 * downloads, and `--server-side` with field managers and conflicts), `get -w`, `auth can-i` and
 * `auth whoami` answered from Azure RBAC, `explain`, patches that change nothing, `delete ns` through
 * Terminating, and kinds the server does not have. Runs the kubectl on PATH, or `$KUBECTL`; commands a
 * kubectl release lacks are skipped with the release they need.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { EmulatorCredential } from "../src/credential";
import { AKS_AAD_SERVER_APP_ID } from "../src/dataplane";
import { AKS_RBAC_ROLES } from "../src/kubernetes";
import type { KubernetesHarness } from "./support/kubernetes-harness";
import { startKubernetesHarness } from "./support/kubernetes-harness";
import type { Kubectl } from "./support/kubernetes-kubectl";
import {
  kubectlMinorVersion,
  kubectlUnavailableReason,
  kubectlWith,
  needsKubectl,
} from "./support/kubernetes-kubectl";

const ADMIN_ID = "00000000-0000-0000-0000-0000000ad001";
const READER_ID = "00000000-0000-0000-0000-0000000ad002";

async function aksToken(objectId: string): Promise<string> {
  const credential = new EmulatorCredential({ objectId });
  return (await credential.getToken(`${AKS_AAD_SERVER_APP_ID}/.default`)).token;
}

const SECRET_MANIFEST = (name: string, value: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: default
  labels:
    app: web
stringData:
  password: ${value}
`;

describe("kubectl commands as on a real cluster", async () => {
  const skip = await kubectlUnavailableReason();
  const skipWhoami = await needsKubectl(26, "kubectl auth whoami");
  const skipOpenApiV3 = await needsKubectl(24, "kubectl explain from OpenAPI v3");
  // kubectl hides managedFields from 1.21 on unless asked.
  const showManagedFields = ((await kubectlMinorVersion()) ?? 99) >= 21 ? ["--show-managed-fields"] : [];
  let harness: KubernetesHarness;
  let kubectl: Kubectl;
  let reader: Kubectl;
  let directory: string;

  const manifest = async (name: string, text: string): Promise<string> => {
    const path = join(directory, `${name}.yaml`);
    await writeFile(path, text);
    return path;
  };
  const ok = async (...args: string[]) => {
    const result = await kubectl.run(...args);
    assert.equal(result.exitCode, 0, `kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const json = async (...args: string[]) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the objects' shapes are what the tests check
    JSON.parse(await ok(...args, "-o", "json")) as Record<string, any>;

  before(async () => {
    if (skip) return;
    directory = await mkdtemp(join(tmpdir(), "kubectl-manifests-"));
    harness = await startKubernetesHarness();
    // Azure's own durations: a deleted namespace stays Terminating for the controller's pass (seconds).
    harness.ctx.scale = 1;
    harness.ctx.roleAssignments.push(
      { principalId: ADMIN_ID, scope: harness.cluster.id, roleDefinitionId: AKS_RBAC_ROLES.clusterAdmin },
      { principalId: READER_ID, scope: harness.cluster.id, roleDefinitionId: AKS_RBAC_ROLES.reader },
    );
    kubectl = await kubectlWith(harness.kubeconfig(await aksToken(ADMIN_ID)));
    reader = await kubectlWith(harness.kubeconfig(await aksToken(READER_ID)));
  });
  after(async () => {
    if (skip) return;
    await kubectl.dispose();
    await reader.dispose();
    await harness.close();
    await rm(directory, { recursive: true, force: true });
  });

  test(
    "kubectl apply -f creates, then configures, with the OpenAPI it downloads to validate",
    { skip },
    async () => {
      const path = await manifest("web", SECRET_MANIFEST("web", "one"));
      assert.match(await ok("apply", "-f", path), /^secret\/web created$/m);
      await writeFile(path, SECRET_MANIFEST("web", "two"));
      assert.match(await ok("apply", "-f", path), /^secret\/web configured$/m);
      const secret = await json("get", "secret", "web");
      assert.equal(Buffer.from(secret.data.password, "base64").toString(), "two");
      assert.match(
        secret.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"],
        /"name":"web"/,
      );
    },
  );

  test(
    "fails kubectl apply of a manifest with a field the kind does not have (server-side validation)",
    { skip },
    async () => {
      const path = await manifest("typo", SECRET_MANIFEST("typo", "x").replace("stringData:", "strngData:"));
      const result = await kubectl.run("apply", "-f", path);
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stderr, /unknown field "strngData"/);
    },
  );

  test(
    "kubectl apply --server-side records its field manager, refuses conflicts, and takes them with --force-conflicts",
    { skip },
    async () => {
      const path = await manifest("ssa", SECRET_MANIFEST("ssa", "mine"));
      assert.match(await ok("apply", "--server-side", "-f", path), /^secret\/ssa serverside-applied$/m);
      const applied = await json("get", "secret", "ssa", ...showManagedFields);
      const entry = (
        applied.metadata.managedFields as { manager: string; operation: string; fieldsV1: object }[]
      ).find((e) => e.manager === "kubectl");
      assert.equal(entry?.operation, "Apply");
      assert.match(JSON.stringify(entry?.fieldsV1), /"f:data":\{"f:password":\{\}\}/);

      await ok(
        "patch",
        "secret",
        "ssa",
        "--type",
        "merge",
        "-p",
        '{"data":{"password":"b3RoZXI="}}',
        "--field-manager",
        "someone-else",
      );
      const conflict = await kubectl.run("apply", "--server-side", "-f", path);
      assert.notEqual(conflict.exitCode, 0);
      assert.match(conflict.stderr, /conflict with "someone-else".*\.data\.password/);

      assert.match(await ok("apply", "--server-side", "--force-conflicts", "-f", path), /serverside-applied/);
      const forced = await json("get", "secret", "ssa");
      assert.equal(Buffer.from(forced.data.password, "base64").toString(), "mine");
    },
  );

  test("kubectl get -w streams the changes as they happen", { skip }, async () => {
    const watch = kubectl.start("get", "secrets", "-n", "default", "-w", "--output-watch-events");
    try {
      await waitFor(() => /EVENT\s+NAME/.test(watch.output()), "the watch's first lines");
      await ok("create", "secret", "generic", "watched", "--from-literal=k=v");
      await ok("label", "secret", "watched", "stage=two");
      await ok("delete", "secret", "watched");
      await waitFor(() => /DELETED\s+watched/.test(watch.output()), "the DELETED event");
    } finally {
      const { stdout } = await watch.stop();
      assert.match(stdout, /ADDED\s+watched/);
      assert.match(stdout, /MODIFIED\s+watched/);
      assert.match(stdout, /DELETED\s+watched/);
    }
  });

  test(
    "kubectl auth can-i answers from the Azure RBAC roles: yes for Cluster Admin, no to a Reader for Secrets",
    { skip },
    async () => {
      assert.equal((await ok("auth", "can-i", "create", "secrets", "-n", "default")).trim(), "yes");
      const no = await reader.run("auth", "can-i", "get", "secrets", "-n", "default");
      assert.equal(no.exitCode, 1);
      // AKS adds Azure's reason to a denial.
      assert.match(no.stdout.trim(), /^no - User does not have access to the resource in Azure/);
      const yes = await reader.run("auth", "can-i", "list", "namespaces");
      assert.equal(yes.stdout.trim(), "yes");
      const refused = await reader.run("get", "secrets", "-n", "default");
      assert.match(refused.stderr, /Forbidden/);
    },
  );

  test("kubectl auth whoami names the principal the token is for", { skip: skip ?? skipWhoami }, async () => {
    const whoami = await ok("auth", "whoami");
    assert.match(whoami, new RegExp(`Username\\s+${ADMIN_ID}`));
    assert.match(whoami, /system:authenticated/);
  });

  test("kubectl explain prints the served kinds' schemas", { skip: skip ?? skipOpenApiV3 }, async () => {
    const secret = await ok("explain", "secret");
    assert.match(secret, /KIND:\s+Secret/);
    assert.match(secret, /stringData\s+<map\[string\]string>/);
    const spec = await ok("explain", "namespace.spec.finalizers");
    assert.match(spec, /FIELD:\s+finalizers/);
  });

  test("a patch that changes nothing keeps the resourceVersion", { skip }, async () => {
    await ok("create", "secret", "generic", "still", "--from-literal=a=b");
    const before = (await json("get", "secret", "still")).metadata.resourceVersion;
    assert.match(
      await ok("patch", "secret", "still", "--type", "merge", "-p", '{"metadata":{"labels":null}}'),
      /no change/,
    );
    assert.equal((await json("get", "secret", "still")).metadata.resourceVersion, before);
  });

  test(
    "kubectl delete ns goes through Terminating: content gone, new content refused, then the namespace",
    { skip },
    async () => {
      await ok("create", "namespace", "doomed");
      await ok("create", "secret", "generic", "inside", "-n", "doomed", "--from-literal=a=b");
      assert.match(await ok("delete", "namespace", "doomed", "--wait=false"), /namespace "doomed" deleted/);
      // Read at once, in process: the namespace controller's pass is short here.
      const core = await harness.core(await aksToken(ADMIN_ID));
      const terminating = await core.readNamespace({ name: "doomed" });
      assert.equal(terminating.status?.phase, "Terminating");
      assert.ok(terminating.metadata?.deletionTimestamp);
      assert.deepEqual((await core.listNamespacedSecret({ namespace: "doomed" })).items, []);
      const refused = await core
        .createNamespacedSecret({ namespace: "doomed", body: { metadata: { name: "late" } } })
        .then(
          () => "created",
          (error: { body?: unknown }) => String(error.body),
        );
      assert.match(
        refused,
        /unable to create new content in namespace doomed because it is being terminated/,
      );
      await waitFor(
        async () => (await kubectl.run("get", "namespace", "doomed")).exitCode !== 0,
        "the namespace to go",
      );

      // Without --wait=false, kubectl waits (watching) until the namespace is gone.
      await ok("create", "namespace", "doomed-too");
      await ok("delete", "namespace", "doomed-too");
      assert.match((await kubectl.run("get", "namespace", "doomed-too")).stderr, /NotFound/);
    },
  );

  test(
    "kinds the server does not serve answer as a real server's unknown kinds and groups do",
    { skip },
    async () => {
      const pods = await kubectl.run("get", "pods");
      assert.match(pods.stderr, /the server doesn't have a resource type "pods"/);
      const raw = await kubectl.run("get", "--raw", "/apis/apps/v1/namespaces/default/deployments");
      assert.match(raw.stderr, /NotFound|the server could not find the requested resource/);
      const path = await manifest(
        "pod",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n",
      );
      const applied = await kubectl.run("apply", "-f", path);
      assert.match(applied.stderr, /no matches for kind "Pod" in version "v1"/);
    },
  );

  test("kubectl api-resources lists the served kinds with watch among their verbs", { skip }, async () => {
    const resources = await ok("api-resources", "-o", "wide");
    assert.match(resources, /^secrets\s+v1\s+true\s+Secret\s+\[?[^\n]*watch/m);
    assert.match(resources, /selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1/);
  });
});

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
