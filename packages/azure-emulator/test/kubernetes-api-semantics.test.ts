/**
 * The API-server semantics kubectl and controllers rely on, on the wire: OpenAPI v2 and v3 documents,
 * watches (from a resourceVersion, expired, selector-filtered), server-side apply and managedFields,
 * field validation, writes that change nothing, and the self-reviews answered from Azure RBAC.
 */
import assert from "node:assert/strict";
import { request, type RequestOptions } from "node:https";
import { after, before, describe, test } from "node:test";
import { AKS_RBAC_ROLES } from "../src/kubernetes";
import { EmulatorCredential } from "../src/credential";
import { AKS_AAD_SERVER_APP_ID } from "../src/dataplane";
import type { KubernetesHarness } from "./support/kubernetes-harness";
import { startKubernetesHarness } from "./support/kubernetes-harness";

/** A JSON answer, read member by member as each assertion needs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers' shapes are what the tests check
type LooseJson = Record<string, any>;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: () => LooseJson;
}

function send(
  harness: KubernetesHarness,
  token: string,
  method: string,
  path: string,
  body?: { contentType: string; text: string },
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      method,
      ca: harness.server.tls.caPem,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { "content-type": body.contentType } : {}),
        ...headers,
      },
    };
    const req = request(`${harness.server.origin}${path}`, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on("error", reject);
    req.end(body?.text);
  });
}

/** Opens a watch and collects its events until `stop`. */
function watch(harness: KubernetesHarness, token: string, path: string) {
  const events: { type: string; object: LooseJson }[] = [];
  let buffered = "";
  let close: () => void = () => undefined;
  const ended = new Promise<number>((resolve, reject) => {
    const req = request(
      `${harness.server.origin}${path}`,
      { ca: harness.server.tls.caPem, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        close = () => res.destroy();
        res.on("data", (chunk: Buffer) => {
          buffered += chunk.toString("utf8");
          let newline: number;
          while ((newline = buffered.indexOf("\n")) >= 0) {
            events.push(JSON.parse(buffered.slice(0, newline)) as (typeof events)[number]);
            buffered = buffered.slice(newline + 1);
          }
        });
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("close", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
  return {
    events,
    async until(count: number): Promise<void> {
      for (let i = 0; events.length < count; i++) {
        assert.ok(i < 200, `expected ${count} events, got ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: () => close(),
    ended,
  };
}

const json = (value: unknown) => ({ contentType: "application/json", text: JSON.stringify(value) });
const secret = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) =>
  json({ apiVersion: "v1", kind: "Secret", metadata: { name, ...extra }, stringData: data });

describe("Kubernetes API semantics", () => {
  let harness: KubernetesHarness;
  let token: string;

  before(async () => {
    harness = await startKubernetesHarness({ localAccountsDisabled: false });
    token = harness.api.adminToken(harness.cluster.id);
  });
  after(() => harness.close());

  test("serves OpenAPI v2 (JSON and protobuf) and v3 with each kind's schema and PATCH parameters", async () => {
    const v2 = await send(harness, token, "GET", "/openapi/v2");
    assert.equal(v2.status, 200);
    assert.deepEqual(v2.json().definitions["io.k8s.api.core.v1.Secret"]["x-kubernetes-group-version-kind"], [
      { group: "", kind: "Secret", version: "v1" },
    ]);
    const proto = await send(harness, token, "GET", "/openapi/v2", undefined, {
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    });
    assert.match(String(proto.headers["content-type"]), /proto-openapi\.spec\.v2/);
    // Field 1 (swagger), length 3, "2.0".
    assert.deepEqual([...Buffer.from(proto.text, "latin1").subarray(0, 5)], [0x0a, 3, 0x32, 0x2e, 0x30]);

    const root = (await send(harness, token, "GET", "/openapi/v3")).json();
    const url = root.paths["api/v1"].serverRelativeURL as string;
    const v3 = (await send(harness, token, "GET", url)).json();
    const patch = v3.paths["/api/v1/namespaces/{namespace}/secrets/{name}"].patch;
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "", kind: "Secret", version: "v1" });
    assert.ok(
      patch.parameters.some(
        (p: { name: string; in: string }) => p.name === "fieldValidation" && p.in === "query",
      ),
    );
    assert.ok(v3.components.schemas["io.k8s.api.core.v1.Namespace"]);
  });

  test("a watch from a resourceVersion streams the changes after it, and one too old answers 410 Expired", async () => {
    const list = (await send(harness, token, "GET", "/api/v1/namespaces/default/secrets")).json();
    const from = list.metadata.resourceVersion as string;
    const stream = watch(
      harness,
      token,
      `/api/v1/namespaces/default/secrets?watch=true&resourceVersion=${from}`,
    );
    await send(harness, token, "POST", "/api/v1/namespaces/default/secrets", secret("w", { a: "b" }));
    await send(harness, token, "PATCH", "/api/v1/namespaces/default/secrets/w", {
      contentType: "application/merge-patch+json",
      text: JSON.stringify({ metadata: { labels: { x: "y" } } }),
    });
    await send(harness, token, "DELETE", "/api/v1/namespaces/default/secrets/w");
    await stream.until(3);
    stream.stop();
    assert.deepEqual(
      stream.events.map((e) => [e.type, e.object.metadata.name]),
      [
        ["ADDED", "w"],
        ["MODIFIED", "w"],
        ["DELETED", "w"],
      ],
    );
    assert.ok(
      Number(stream.events[2]?.object.metadata.resourceVersion) >
        Number(stream.events[1]?.object.metadata.resourceVersion),
    );

    const stale = watch(harness, token, "/api/v1/namespaces/default/secrets?watch=true&resourceVersion=-5");
    await stale.until(1);
    assert.equal(stale.events[0]?.type, "ERROR");
    assert.equal(stale.events[0]?.object.code, 410);
    assert.equal(stale.events[0]?.object.reason, "Expired");
  });

  test("a watch without resourceVersion starts with what exists, filters by selector, and ends at timeoutSeconds", async () => {
    await send(
      harness,
      token,
      "POST",
      "/api/v1/namespaces/default/secrets",
      secret("blue", { a: "b" }, { labels: { color: "blue" } }),
    );
    const stream = watch(
      harness,
      token,
      "/api/v1/namespaces/default/secrets?watch=true&labelSelector=color%3Dblue&timeoutSeconds=1",
    );
    await stream.until(1);
    assert.equal(stream.events[0]?.type, "ADDED");
    // Relabelled out of the selector: the watch sees it go.
    await send(harness, token, "PATCH", "/api/v1/namespaces/default/secrets/blue", {
      contentType: "application/merge-patch+json",
      text: JSON.stringify({ metadata: { labels: { color: "red" } } }),
    });
    await stream.until(2);
    assert.equal(stream.events[1]?.type, "DELETED");
    assert.equal(await stream.ended, 200);
  });

  test("server-side apply creates, records its manager, refuses another manager's field unless forced, and removes what it stops applying", async () => {
    const apply = (manager: string, data: Record<string, string>, force = false) =>
      send(
        harness,
        token,
        "PATCH",
        `/api/v1/namespaces/default/secrets/applied?fieldManager=${manager}${force ? "&force=true" : ""}`,
        {
          contentType: "application/apply-patch+yaml",
          text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\nstringData:\n${Object.entries(data)
            .map(([k, v]) => `  ${k}: ${v}`)
            .join("\n")}\n`,
        },
      );
    const created = await apply("tool-a", { one: "1", two: "2" });
    assert.equal(created.status, 201);
    const entries = created.json().metadata.managedFields as { manager: string; operation: string }[];
    assert.deepEqual(
      entries.map((e) => [e.manager, e.operation]),
      [["tool-a", "Apply"]],
    );

    const conflict = await apply("tool-b", { one: "other" });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json().reason, "Conflict");
    assert.match(conflict.json().message, /conflict with "tool-a" using v1: \.data\.one/);

    assert.equal((await apply("tool-b", { one: "other" }, true)).status, 200);
    // tool-a stops applying `two` (and lost `one`): `two` goes, `one` stays tool-b's.
    const after = (await apply("tool-a", {})).json();
    assert.deepEqual(Object.keys(after.data), ["one"]);
    assert.equal(Buffer.from(after.data.one, "base64").toString(), "other");

    const missingManager = await send(harness, token, "PATCH", "/api/v1/namespaces/default/secrets/applied", {
      contentType: "application/apply-patch+yaml",
      text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n",
    });
    assert.equal(missingManager.status, 422);
  });

  test("an update records what its field manager changed; a write that changes nothing keeps the resourceVersion", async () => {
    const created = (
      await send(
        harness,
        token,
        "POST",
        "/api/v1/namespaces/default/secrets?fieldManager=creator",
        secret("kept", { a: "b" }),
      )
    ).json();
    assert.deepEqual(created.metadata.managedFields[0].fieldsV1, { "f:data": { "f:a": {} }, "f:type": {} });
    const patched = (
      await send(harness, token, "PATCH", "/api/v1/namespaces/default/secrets/kept?fieldManager=labeller", {
        contentType: "application/strategic-merge-patch+json",
        text: JSON.stringify({ metadata: { labels: { tier: "web" } } }),
      })
    ).json();
    assert.deepEqual(
      patched.metadata.managedFields.map((e: { manager: string }) => e.manager),
      ["creator", "labeller"],
    );
    const same = (
      await send(harness, token, "PATCH", "/api/v1/namespaces/default/secrets/kept", {
        contentType: "application/merge-patch+json",
        text: JSON.stringify({ metadata: { labels: { tier: "web" } } }),
      })
    ).json();
    assert.equal(same.metadata.resourceVersion, patched.metadata.resourceVersion);
    const replaced = (
      await send(harness, token, "PUT", "/api/v1/namespaces/default/secrets/kept", json(same))
    ).json();
    assert.equal(replaced.metadata.resourceVersion, patched.metadata.resourceVersion);
  });

  test("fieldValidation: Strict refuses an unknown field, Warn drops it with a Warning header", async () => {
    const body = json({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "typo" },
      strngData: { a: "b" },
    });
    const strict = await send(
      harness,
      token,
      "POST",
      "/api/v1/namespaces/default/secrets?fieldValidation=Strict",
      body,
    );
    assert.equal(strict.status, 400);
    assert.match(strict.json().message, /strict decoding error: unknown field "strngData"/);
    const warned = await send(
      harness,
      token,
      "POST",
      "/api/v1/namespaces/default/secrets?fieldValidation=Warn",
      body,
    );
    assert.equal(warned.status, 201);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"strngData\\""/);
    assert.equal(warned.json().strngData, undefined);
  });

  test("self-reviews: who the caller is, and what Azure RBAC lets it do", async () => {
    const readerId = "00000000-0000-0000-0000-00000000feed";
    const aad = await startKubernetesHarness();
    try {
      aad.ctx.roleAssignments.push({
        principalId: readerId,
        scope: aad.cluster.id,
        roleDefinitionId: AKS_RBAC_ROLES.reader,
      });
      const readerToken = (
        await new EmulatorCredential({ objectId: readerId }).getToken(`${AKS_AAD_SERVER_APP_ID}/.default`)
      ).token;
      const review = (verb: string, resource: string) =>
        send(
          aad,
          readerToken,
          "POST",
          "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
          json({
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: { resourceAttributes: { verb, resource, namespace: "default" } },
          }),
        );
      assert.equal((await review("list", "namespaces")).json().status.allowed, true);
      const denied = (await review("get", "secrets")).json();
      assert.equal(denied.status.allowed, false);
      assert.match(denied.status.reason, /Azure/);
      const who = (
        await send(
          aad,
          readerToken,
          "POST",
          "/apis/authentication.k8s.io/v1/selfsubjectreviews",
          json({
            apiVersion: "authentication.k8s.io/v1",
            kind: "SelfSubjectReview",
          }),
        )
      ).json();
      assert.equal(who.status.userInfo.username, readerId);
    } finally {
      await aad.close();
    }
  });
});
