/**
 * The emulated Kubernetes API served over TLS for tests, with one cluster open, and kubeconfigs that
 * point real clients (`@kubernetes/client-node`, `kubectl`) at it with a bearer token.
 */
import { stringify } from "yaml";
import type { CoreV1Api, KubernetesObjectApi } from "@kubernetes/client-node" with {
  "resolution-mode": "import",
};
import type { ClusterInfo, KubernetesApi } from "../../src/dataplane";
import { createKubernetesApi } from "../../src/kubernetes";
import type { FakeDataPlaneContext, TestTlsServer } from "./tls-dataplane-server";
import { createFakeDataPlaneContext, startTestTlsServer } from "./tls-dataplane-server";

/** ARM id of the test cluster: AKS RBAC scopes are checked against it. */
export const TEST_CLUSTER_ID =
  "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-test";

/** A running cluster API for one test. */
export interface KubernetesHarness {
  readonly ctx: FakeDataPlaneContext;
  readonly api: KubernetesApi;
  readonly server: TestTlsServer;
  readonly cluster: ClusterInfo;
  /** A kubeconfig (YAML) for the server with this bearer token and the test CA. */
  kubeconfig(token: string): string;
  /** A CoreV1Api client using {@link kubeconfig}. */
  core(token: string): Promise<CoreV1Api>;
  /** A generic object client (any kind, through discovery) using {@link kubeconfig}. */
  objects(token: string): Promise<KubernetesObjectApi>;
  close(): Promise<void>;
}

/** Starts the API with one open cluster; `cluster` overrides its settings (default: AAD, no local accounts). */
export async function startKubernetesHarness(cluster: Partial<ClusterInfo> = {}): Promise<KubernetesHarness> {
  const ctx = createFakeDataPlaneContext();
  const api = createKubernetesApi(ctx);
  const info: ClusterInfo = {
    id: TEST_CLUSTER_ID,
    name: "aks-test",
    aadEnabled: true,
    localAccountsDisabled: true,
    ...cluster,
  };
  api.open(info);
  const server = await startTestTlsServer((req, res, url, body) =>
    api.handle(info.id)(req, res, url.pathname, url, body),
  );
  const kubeconfig = (token: string): string =>
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: info.name,
          cluster: {
            server: server.origin,
            "certificate-authority-data": Buffer.from(server.tls.caPem).toString("base64"),
          },
        },
      ],
      users: [{ name: "tester", user: { token } }],
      contexts: [{ name: info.name, context: { cluster: info.name, user: "tester" } }],
      "current-context": info.name,
    });
  return {
    ctx,
    api,
    server,
    cluster: info,
    kubeconfig,
    async core(token) {
      // client-node 1.x is an ES module; this CommonJS project loads it with a dynamic import.
      const { CoreV1Api, KubeConfig } = await import("@kubernetes/client-node");
      const config = new KubeConfig();
      config.loadFromString(kubeconfig(token));
      return config.makeApiClient(CoreV1Api);
    },
    async objects(token) {
      const { KubeConfig, KubernetesObjectApi } = await import("@kubernetes/client-node");
      const config = new KubeConfig();
      config.loadFromString(kubeconfig(token));
      return KubernetesObjectApi.makeApiClient(config);
    },
    close: () => server.close(),
  };
}
