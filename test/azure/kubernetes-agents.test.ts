/**
 * Connections to a cluster's API server (`lib/azure/kubernetes-agents.ts`): the product's Kubernetes
 * clients, over real HTTPS on loopback, send many requests over one kept-alive TLS connection instead
 * of a handshake per request. The API server here is a stand-in that answers discovery and namespace
 * lists and counts the TLS connections it accepts, with a certificate from the emulator's own CA.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TokenCredential } from "@azure/core-auth";
import { ensureTlsMaterial, type TlsMaterial } from "@azure-env-provisioner/azure-emulator";
import { createAzureClients, type AzureClients } from "../../lib/azure/clients";
import { KubernetesAgents } from "../../lib/azure/kubernetes-agents";
import { loadConfig } from "../../lib/config";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000e1";
/** Never asked for a token: the Kubernetes clients are given theirs. */
const NO_CREDENTIAL: TokenCredential = {
  getToken: () => Promise.reject(new Error("no token in this test")),
};

describe("connections to a cluster's API server", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-k8s-agents-"));
  let tls: TlsMaterial;
  let server: Server;
  let connections = 0;
  let requests = 0;
  let clients: AzureClients;

  before(async () => {
    tls = ensureTlsMaterial(dataDir);
    server = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, (req, res) => {
      requests += 1;
      // The core group's resource list (a generic client's discovery), else an empty namespace list.
      const body =
        req.url === "/api/v1"
          ? {
              kind: "APIResourceList",
              groupVersion: "v1",
              resources: [{ name: "namespaces", namespaced: false, kind: "Namespace", verbs: ["list"] }],
            }
          : { kind: "NamespaceList", apiVersion: "v1", metadata: {}, items: [] };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    server.on("secureConnection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    clients = createAzureClients(loadConfig({ PROVISIONER_SUBSCRIPTION_ID: SUBSCRIPTION }), {
      credential: NO_CREDENTIAL,
    });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A kubeconfig as AKS returns one: the server, its CA, a user. */
  const kubeconfig = () =>
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: aks",
      "  cluster:",
      `    server: https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      `    certificate-authority-data: ${Buffer.from(tls.caCertPem).toString("base64")}`,
      "contexts:",
      "- name: aks",
      "  context: { cluster: aks, user: clusterUser }",
      "current-context: aks",
      "users:",
      "- name: clusterUser",
      "  user: { token: unused }",
    ].join("\n");

  test("sends the requests of several clients of one host over one kept-alive TLS connection", async () => {
    const [connectionsBefore, requestsBefore] = [connections, requests];
    // Three activities' clients, each with its own token.
    const first = await clients.kubernetes(kubeconfig(), "token-a");
    const second = await clients.kubernetes(kubeconfig(), "token-b");
    for (let i = 0; i < 3; i++) assert.deepEqual((await first.listNamespace()).items, []);
    for (let i = 0; i < 3; i++) assert.deepEqual((await second.listNamespace()).items, []);
    const objects = await clients.kubernetesObjects(kubeconfig(), "token-c");
    assert.deepEqual((await objects.list("v1", "Namespace")).items, []);
    // Six lists, and the generic client's discovery before its list.
    assert.equal(requests - requestsBefore, 8);
    assert.equal(connections - connectionsBefore, 1);
  });

  test("keeps one agent per TLS configuration and leaves proxies' and plain HTTP agents alone", () => {
    const agents = new KubernetesAgents();
    const pooled = agents.reuse(new HttpsAgent({ ca: "CA-1" }));
    assert.ok(pooled instanceof HttpsAgent);
    assert.equal(pooled.options.keepAlive, true);
    assert.equal(agents.reuse(new HttpsAgent({ ca: "CA-1" })), pooled);
    assert.notEqual(agents.reuse(new HttpsAgent({ ca: "CA-2" })), pooled);
    assert.notEqual(agents.reuse(new HttpsAgent({ ca: "CA-1", rejectUnauthorized: false })), pooled);
    const plain = new HttpAgent();
    assert.equal(agents.reuse(plain), plain);
    class ProxyAgent extends HttpsAgent {}
    const proxy = new ProxyAgent();
    assert.equal(agents.reuse(proxy), proxy);
    agents.destroy();
  });
});
