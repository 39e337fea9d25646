import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { waitFor } from "../support/wait-for";
import { startAppStack, type AppStack } from "./app-stack";

/** The project's examples (the same folder from the TS source and from dist). */
const exampleText = (name: string) => readFileSync(join(findAppRoot(__filename), "examples", name), "utf8");

let stack: AppStack;
before(async () => {
  stack = await startAppStack();
});
after(() => stack.stop());

const minimal = () => exampleText("minimal.yaml");
/** The content type a YAML spec is sent with. */
const YAML = { "content-type": "application/yaml" };
/** The minimal example under another environment name. */
const minimalNamed = (name: string) => minimal().replace(/^name: dev$/m, `name: ${name}`);

describe("HTTP API", () => {
  test("fails with 401 without a function key, on every route", async () => {
    for (const [method, path] of [
      ["POST", "environments"],
      ["GET", "environments"],
      ["GET", "environments/acme-dev"],
      ["DELETE", "environments/acme-dev"],
      ["POST", "environments/acme-dev/plan"],
      ["POST", "environments/acme-dev/cancel"],
      ["GET", "openapi.json"],
    ] as const) {
      const response = await fetch(`${stack.devhost.url}/api/${path}`, { method });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
  });

  test("fails with 415 problem+json for a spec sent as anything but JSON or YAML, and starts nothing", async () => {
    for (const contentType of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
      const response = await stack.api("environments", {
        method: "POST",
        headers: { "content-type": contentType },
        body: minimalNamed("media"),
      });
      assert.equal(response.status, 415, contentType);
      assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
      const problem = (await response.json()) as { detail: string };
      assert.match(problem.detail, /application\/json, application\/yaml/);
    }
    const view = await stack.api("environments/acme-media");
    assert.equal(view.status, 404, "nothing was recorded");
  });

  test("fails at once with 400 problem+json for an id no spec can produce, on every route that takes one", async () => {
    for (const [method, path] of [
      ["GET", "environments/acme%2fdev"],
      ["DELETE", "environments/acme%2Fdev"],
      ["POST", "environments/Acme-Dev/plan"],
      ["POST", "environments/acme%23x/cancel"],
      ["GET", "environments/nodash"],
    ] as const) {
      const started = Date.now();
      const response = await stack.api(path, { method });
      assert.equal(response.status, 400, `${method} ${path}`);
      assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
      assert.ok(Date.now() - started < 2_000, `${method} ${path} answered at once`);
    }
  });

  test("fails with 400 problem+json listing every problem, and starts nothing", async () => {
    const bad = {
      name: "Bad_Name",
      org_name: "acme",
      providers: {
        azurerm: {
          location: "mars",
          tenant_id: "nope",
          subscription_id: "00000000-0000-0000-0000-000000000002",
        },
      },
      modules: [{ type: "base", vnet_cidr: "10.0.0.0/33" }, { name: "no-type" }],
    };
    const response = await stack.api("environments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(bad),
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
    const problem = (await response.json()) as {
      title: string;
      problems: { path: string; message: string }[];
    };
    const paths = problem.problems.map((p) => p.path);
    for (const expected of [
      "name",
      "providers.azurerm.location",
      "providers.azurerm.tenant_id",
      "modules[1].type",
    ]) {
      assert.ok(paths.includes(expected), `missing problem at ${expected}: ${JSON.stringify(paths)}`);
    }
    assert.ok(
      paths.some((path) => path.startsWith("modules[0]")),
      "the bad CIDR of modules[0] is reported",
    );
    const list = (await (await stack.api("environments")).json()) as {
      environments: { environmentId: string }[];
    };
    assert.ok(!list.environments.some((environment) => environment.environmentId.startsWith("acme-Bad")));
    assert.equal(await stack.instanceStatus("acme-Bad_Name"), undefined);
  });

  test("fails with 400 when a JSON content type carries YAML", async () => {
    const response = await stack.api("environments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: minimal(),
    });
    assert.equal(response.status, 400);
    const problem = (await response.json()) as { problems: { path: string; message: string }[] };
    assert.match(problem.problems[0]?.message ?? "", /not valid JSON/);
  });

  test("fails with 400 for a spec in another subscription than the provisioner's", async () => {
    const response = await stack.api("environments", {
      method: "POST",
      headers: YAML,
      body: minimal().replace("000000000002", "000000000099"),
    });
    assert.equal(response.status, 400);
    const problem = (await response.json()) as { problems: { path: string }[] };
    assert.deepEqual(
      problem.problems.map((p) => p.path),
      ["providers.azurerm.subscription_id"],
    );
  });

  test("accepts a YAML spec with 202, status URLs and a Location to the environment", async () => {
    const response = await stack.api("environments", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: minimal(),
    });
    assert.equal(response.status, 202);
    const location = response.headers.get("location");
    assert.equal(location, `${stack.devhost.url}/api/environments/acme-dev`);
    const body = (await response.json()) as Record<string, string>;
    assert.equal(body.environmentId, "acme-dev");
    assert.equal(body.id, "acme-dev");
    assert.equal(body.statusUrl, location);
    for (const url of ["statusQueryGetUri", "terminatePostUri", "purgeHistoryDeleteUri"]) {
      assert.match(
        body[url] ?? "",
        /^http:\/\/127\.0\.0\.1:\d+\/runtime\/webhooks\/durabletask\/instances\/acme-dev/,
      );
    }
    const status = await waitFor("the build instance", () => stack.instanceStatus("acme-dev"));
    assert.ok(["Pending", "Running"].includes(status.runtimeStatus), status.runtimeStatus);
  });

  test("answers GET with the record and the build's live progress", async () => {
    const view = await waitFor("progress of acme-dev", async () => {
      const body = (await (await stack.api("environments/acme-dev")).json()) as Record<string, unknown>;
      return body.progress === undefined ? undefined : body;
    });
    assert.equal(view.environmentId, "acme-dev");
    assert.equal((view.spec as { name: string }).name, "dev");
    assert.match(String(view.planHash), /^[0-9a-f]{64}$/);
    const operation = view.lastOperation as Record<string, string>;
    assert.equal(operation.action, "apply");
    assert.equal(operation.status, "running");
    assert.equal(operation.requestedBy, "http");
    const progress = view.progress as {
      environmentId: string;
      operation: string;
      nodes: Record<string, unknown>;
    };
    assert.equal(progress.environmentId, "acme-dev");
    assert.equal(progress.operation, "apply");
    assert.ok(Object.keys(progress.nodes).length > 0, "every node of the plan has a state");
  });

  test("fails with 409 on a second apply while the build runs, as JSON too", async () => {
    const response = await stack.api("environments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify((await import("yaml")).parse(minimal())),
    });
    assert.equal(response.status, 409);
    assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
    const problem = (await response.json()) as { detail: string; environmentId: string };
    assert.equal(problem.environmentId, "acme-dev");
    assert.match(problem.detail, /apply of "acme-dev" is running/);
  });

  test("fails with 409 on a destroy while the build runs", async () => {
    const response = await stack.api("environments/acme-dev", { method: "DELETE" });
    assert.equal(response.status, 409);
  });

  test("lists environments with their last operation", async () => {
    await stack.api("environments", { method: "POST", headers: YAML, body: minimalNamed("second") });
    const list = (await (await stack.api("environments")).json()) as {
      environments: { environmentId: string; lastOperation: { action: string } }[];
    };
    const ids = list.environments.map((environment) => environment.environmentId);
    assert.ok(ids.includes("acme-dev") && ids.includes("acme-second"), JSON.stringify(ids));
    assert.ok(list.environments.every((environment) => environment.lastOperation.action === "apply"));
  });

  test("fails with 404 for an unknown environment", async () => {
    const response = await stack.api("environments/acme-nowhere");
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
  });

  test("previews a fresh environment: every ARM resource would be created", async () => {
    const response = await stack.api("environments/acme-fresh/plan", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: minimalNamed("fresh"),
    });
    assert.equal(response.status, 200);
    const preview = (await response.json()) as {
      environmentId: string;
      changes: Record<string, number>;
      nodes: { key: string; kind: string; change: string }[];
    };
    assert.equal(preview.environmentId, "acme-fresh");
    assert.ok(preview.nodes.length > 0);
    const armNodes = preview.nodes.filter(
      (node) => !["keyVaultSecrets", "kubernetesSecret"].includes(node.kind),
    );
    assert.deepEqual(
      armNodes.filter((node) => node.change !== "create"),
      [],
    );
    assert.equal(preview.changes.create, armNodes.length);
  });

  test("fails the preview with 400 when the spec names another environment", async () => {
    const response = await stack.api("environments/acme-dev/plan", {
      method: "POST",
      headers: YAML,
      body: minimalNamed("other"),
    });
    assert.equal(response.status, 400);
  });

  test("cancels a running build: 202, the record says canceled, and a new apply is accepted", async () => {
    const response = await stack.api("environments/acme-second/cancel", { method: "POST" });
    assert.equal(response.status, 202);
    const view = (await response.json()) as { lastOperation: { status: string; endedAt?: string } };
    assert.equal(view.lastOperation.status, "canceled");
    assert.ok(view.lastOperation.endedAt);
    await waitFor(
      "termination",
      async () => (await stack.instanceStatus("acme-second"))?.runtimeStatus === "Terminated",
    );
    const again = await stack.api("environments/acme-second/cancel", { method: "POST" });
    assert.equal(again.status, 409, "nothing left to cancel");
    const reapply = await stack.api("environments", {
      method: "POST",
      headers: YAML,
      body: minimalNamed("second"),
    });
    assert.equal(reapply.status, 202);
    // The terminated previous run must not be taken for this apply's outcome.
    const after = (await (await stack.api("environments/acme-second")).json()) as {
      lastOperation: { status: string };
    };
    assert.equal(after.lastOperation.status, "running");
  });

  test("with sign-in off, the history records the function key as the only who, newest first, a page at a time", async () => {
    const response = await stack.api("environments/acme-second/history?top=3");
    assert.equal(response.status, 200);
    const page = (await response.json()) as {
      entries: { event: string; action: string; outcome: string; principal: { kind: string } }[];
      continuation?: string;
      next?: string;
    };
    assert.equal(page.entries.length, 3);
    assert.deepEqual(
      page.entries.map((entry) => [entry.event, entry.action, entry.outcome, entry.principal.kind]),
      [
        ["request", "apply", "accepted", "functionKey"],
        // The second cancel found nothing running: 409.
        ["request", "cancel", "busy", "functionKey"],
        ["request", "cancel", "accepted", "functionKey"],
      ],
    );
    assert.ok(page.continuation && page.next);
    const rest = (await (await stack.api(page.next.replace(/^\/api\//, ""))).json()) as {
      entries: { event: string; action: string; outcome: string }[];
    };
    assert.ok(
      rest.entries.some((entry) => entry.event === "operationEnded" && entry.outcome === "canceled"),
      JSON.stringify(rest.entries),
    );
    for (const bad of ["top=0", "top=201", "top=x", "continuation=nope"]) {
      const refused = await stack.api(`environments/acme-second/history?${bad}`);
      assert.equal(refused.status, 400, bad);
    }
    assert.equal((await stack.api("environments/acme-nowhere/history")).status, 404);
  });

  test("serves an OpenAPI 3.1 document with every path and the spec's schema", async () => {
    const response = await stack.api("openapi.json");
    assert.equal(response.status, 200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.equal(document.openapi, "3.1.0");
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(operations.sort(), [
      "DELETE /environments/{name}",
      "GET /dashboard",
      "GET /environments",
      "GET /environments/{name}",
      "GET /environments/{name}/graph",
      "GET /environments/{name}/history",
      "GET /openapi.json",
      "POST /environments",
      "POST /environments/import-opta",
      "POST /environments/{name}/cancel",
      "POST /environments/{name}/plan",
      "PUT /environments/{name}/certificates/{certificate}",
    ]);
    const spec = document.components.schemas.EnvironmentSpec;
    assert.ok(spec?.properties && "org_name" in spec.properties && "modules" in spec.properties);
    assert.ok(document.components.schemas.ClusterModule?.properties?.max_nodes);
  });
});
