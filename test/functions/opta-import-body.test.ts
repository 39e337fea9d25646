/**
 * The import route's handler on requests built in memory: the two body forms, what it answers for each
 * kind of wrong body (400, 413, 415), and YAML or JSON as the client's Accept asks. The same route over
 * real HTTP is in opta-import-api.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { parse } from "yaml";
import { answerOptaImport, MAX_OPTA_IMPORT_BODY_BYTES } from "../../functions/opta-import-api";
import { repositoryRoot } from "../support/repository-root";

const fixture = (name: string) =>
  readFileSync(join(repositoryRoot(__dirname), "test", "fixtures", "opta", name), "utf8");
const URL_ = "http://localhost/api/environments/import-opta";

function request(body: Buffer | string, headers: Record<string, string>): HttpRequest {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return new HttpRequest({ method: "POST", url: URL_, headers, body: { bytes } });
}

async function multipart(parts: readonly [string, string, string?][]): Promise<HttpRequest> {
  const form = new FormData();
  for (const [name, text, fileName] of parts) {
    if (fileName) form.append(name, new Blob([text], { type: "application/yaml" }), fileName);
    else form.append(name, text);
  }
  const encoded = new Response(form);
  return request(Buffer.from(await encoded.arrayBuffer()), {
    "content-type": encoded.headers.get("content-type")!,
  });
}

function jsonOf(answer: HttpResponseInit): Record<string, unknown> {
  if (answer.jsonBody !== undefined) return answer.jsonBody as Record<string, unknown>;
  return JSON.parse(String(answer.body)) as Record<string, unknown>;
}

const header = (answer: HttpResponseInit, name: string) =>
  (answer.headers as Record<string, string> | undefined)?.[name];

describe("POST /api/environments/import-opta (handler)", () => {
  it("converts multipart parts, naming files environment and services[i] in warnings", async () => {
    const answer = await answerOptaImport(
      await multipart([
        // An add-on this service skips, so the environment file has a warning of its own.
        ["environment", `${fixture("environment.yaml")}  - type: datadog\n`, "environment.yaml"],
        ["service", fixture("api.yaml"), "opta.yaml"],
        ["service", fixture("worker.yaml")],
      ]),
    );
    assert.equal(answer.status, 200);
    const body = jsonOf(answer) as {
      spec: { modules: { name?: string }[] };
      specYaml: string;
      warnings: { path: string }[];
    };
    assert.deepEqual(
      body.spec.modules.map((module) => module.name),
      [undefined, undefined, undefined, "api-db", "cache", "worker-db"],
    );
    assert.deepEqual(parse(body.specYaml), body.spec);
    assert.deepEqual(
      [...new Set(body.warnings.map((warning) => warning.path.split(":")[0]))],
      ["environment", "services[0]", "services[1]"],
    );
  });

  it("converts a JSON body and answers YAML when Accept asks for it", async () => {
    const answer = await answerOptaImport(
      request(JSON.stringify({ environment: fixture("environment.yaml"), services: [fixture("api.yaml")] }), {
        "content-type": "application/json",
        accept: "application/yaml, application/json;q=0.5",
      }),
    );
    assert.equal(answer.status, 200);
    assert.equal(header(answer, "content-type"), "application/yaml; charset=utf-8");
    assert.match(
      String(answer.body),
      /^# Converted from Opta files by import-opta: environment, services\[0\]\n/,
    );
    assert.deepEqual(
      (parse(String(answer.body)) as { modules: { name?: string }[] }).modules.map((module) => module.name),
      [undefined, undefined, undefined, "db", "cache"],
    );
  });

  it("answers 400 problem+json with every problem, prefixed with its file", async () => {
    const answer = await answerOptaImport(
      request(
        JSON.stringify({
          environment: fixture("environment.yaml"),
          services: ["name: svc\nmodules:\n  - type: k8s-service\n    links: [db]"],
        }),
        {
          "content-type": "application/json",
        },
      ),
    );
    assert.equal(answer.status, 400);
    assert.equal(header(answer, "content-type"), "application/problem+json");
    assert.deepEqual(jsonOf(answer).problems, [
      {
        path: "services[0]:modules[0].links[0]",
        message: 'links "db", which is not a postgres or redis module of this file',
      },
    ]);
  });

  it("answers 400 for a body that does not hold Opta files, naming what is wrong", async () => {
    const wrongJson = await answerOptaImport(
      request(JSON.stringify({ env: "x", services: [1] }), { "content-type": "application/json" }),
    );
    assert.equal(wrongJson.status, 400);
    assert.deepEqual(jsonOf(wrongJson).problems, [
      { path: "env", message: "unknown key; allowed keys here: environment, services" },
      { path: "environment", message: "must be the Opta environment file's text (a string)" },
      { path: "services[0]", message: "must be a service file's text (a string)" },
    ]);
    const noEnvironment = await answerOptaImport(
      await multipart([
        ["service", fixture("api.yaml")],
        ["extra", "x"],
      ]),
    );
    assert.equal(noEnvironment.status, 400);
    assert.deepEqual(jsonOf(noEnvironment).problems, [
      { path: "extra", message: "unknown part; send one environment part and any number of service parts" },
      { path: "environment", message: "is required: the Opta environment file" },
    ]);
    const deep = await answerOptaImport(
      request(`{"environment": ${"[".repeat(10_000)}`, { "content-type": "application/json" }),
    );
    assert.equal(deep.status, 400);
    assert.equal(jsonOf(deep).detail, "the body nests deeper than 32 levels");
  });

  it("answers 413 for a body over 1 MiB and 415 for one that is neither multipart nor JSON", async () => {
    const big = await answerOptaImport(
      request(JSON.stringify({ environment: "x".repeat(MAX_OPTA_IMPORT_BODY_BYTES) }), {
        "content-type": "application/json",
      }),
    );
    assert.equal(big.status, 413);
    const yaml = await answerOptaImport(
      request(fixture("environment.yaml"), { "content-type": "application/yaml" }),
    );
    assert.equal(yaml.status, 415);
    assert.match(String(jsonOf(yaml).detail), /multipart\/form-data or application\/json/);
  });
});
