/**
 * POST /api/environments/import-opta over real HTTP on the app stack (devhost, function keys): the Opta
 * files go in as multipart parts, the spec comes out; without a key the route is closed like every other.
 * The handler's answers to wrong bodies are in opta-import-body.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { repositoryRoot } from "../support/repository-root";
import { startAppStack, type AppStack } from "./app-stack";

const fixture = (name: string) =>
  readFileSync(join(repositoryRoot(__dirname), "test", "fixtures", "opta", name), "utf8");

let stack: AppStack;
before(async () => {
  stack = await startAppStack();
});
after(() => stack.stop());

describe("POST /api/environments/import-opta", () => {
  test("converts an Opta environment and two service files sent as multipart parts", async () => {
    const form = new FormData();
    form.append("environment", new Blob([fixture("environment.yaml")]), "environment.yaml");
    form.append("service", new Blob([fixture("api.yaml")]), "api.yaml");
    form.append("service", new Blob([fixture("worker.yaml")]), "worker.yaml");
    const response = await stack.api("environments/import-opta", { method: "POST", body: form });
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      spec: { name: string; modules: { name?: string; kubernetes_secret?: { namespace: string } }[] };
      specYaml: string;
      warnings: { path: string; message: string }[];
    };
    assert.equal(body.spec.name, "opta-ci");
    assert.deepEqual(
      body.spec.modules.flatMap((module) =>
        module.kubernetes_secret ? [[module.name, module.kubernetes_secret.namespace]] : [],
      ),
      [
        ["api-db", "api"],
        ["cache", "api"],
        ["worker-db", "worker"],
      ],
    );
    assert.deepEqual(parse(body.specYaml), body.spec);
    // The import's ten, and Opta's Standard C2 cache built as Azure Managed Redis Balanced_B3.
    assert.equal(body.warnings.length, 11);
  });

  test("is closed without a function key", async () => {
    const response = await fetch(`${stack.devhost.url}/api/environments/import-opta`, { method: "POST" });
    assert.equal(response.status, 401);
  });
});
