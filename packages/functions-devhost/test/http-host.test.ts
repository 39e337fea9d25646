import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FunctionKeys } from "../src/function-keys";
import { startHttpHost, type RunningHttpHost } from "../src/http-host";
import type { DevhostLog } from "../src/invoke";
import { loadFunctionApp } from "../src/registry";

const appEntry = join(__dirname, "fixtures", "front-app", "index");
const keys: FunctionKeys = { function: "fn-key", system: "sys-key", master: "master-key" };
const logged: string[] = [];
const log: DevhostLog = (level, message) => logged.push(`${level} ${message}`);
let host: RunningHttpHost;
const mounted: string[] = [];

before(async () => {
  host = await startHttpHost({
    registry: loadFunctionApp(appEntry),
    keys,
    port: 0,
    log,
    maxRequestBodyBytes: 1024,
    mounts: [
      {
        pathPrefix: "/runtime/webhooks/probe",
        accessLevel: "system",
        async handle(_request, response, url) {
          mounted.push(url.pathname);
          response.writeHead(200).end("mounted");
        },
      },
    ],
  });
});
after(() => host.stop(1000));

describe("HTTP host", () => {
  test("serves a function at /api/<route> with route params, query, headers and cookies", async () => {
    const response = await fetch(`${host.url}/api/greet/Ada/2?x=1&tag=a&tag=b`, {
      headers: { "user-agent": "spec" },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("x-greeted"), "Ada");
    assert.match(response.headers.get("set-cookie") ?? "", /^seen=yes; Path=\/; HttpOnly$/);
    assert.deepEqual(await response.json(), {
      params: { name: "Ada", times: "2" },
      query: { x: "1", tag: "b" },
      tags: ["a", "b"],
      method: "GET",
      userAgent: "spec",
      greeting: "Hello AdaHello Ada",
    });
  });

  test("leaves an optional route parameter out", async () => {
    const response = await fetch(`${host.url}/api/greet/Bob`);
    assert.deepEqual(((await response.json()) as { params: unknown }).params, { name: "Bob" });
  });

  test("answers 404 when a route constraint or no route matches", async () => {
    assert.equal((await fetch(`${host.url}/api/greet/Ada1`)).status, 404);
    assert.equal((await fetch(`${host.url}/api/nothing-here`)).status, 404);
    assert.equal((await fetch(`${host.url}/elsewhere`)).status, 404);
  });

  test("answers 405 with Allow for a method the function does not take", async () => {
    const response = await fetch(`${host.url}/api/echo`, {
      method: "DELETE",
      headers: { "x-functions-key": "fn-key" },
    });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "POST, PUT");
  });

  test("fails with 401 without a key, or with a wrong one, on a function-level route", async () => {
    assert.equal((await fetch(`${host.url}/api/echo`, { method: "POST", body: "x" })).status, 401);
    const wrong = await fetch(`${host.url}/api/echo?code=nope`, { method: "POST", body: "x" });
    assert.equal(wrong.status, 401);
  });

  test("accepts the function key in x-functions-key or ?code=, and the master key, passing the body through", async () => {
    const byHeader = await fetch(`${host.url}/api/echo`, {
      method: "POST",
      headers: { "x-functions-key": "fn-key", "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    assert.equal(byHeader.status, 201);
    assert.equal(byHeader.headers.get("content-type"), "application/json");
    assert.deepEqual(await byHeader.json(), { a: 1 });
    const byCode = await fetch(`${host.url}/api/echo?code=fn-key`, { method: "PUT", body: "plain" });
    assert.equal(await byCode.text(), "plain");
    const byMaster = await fetch(`${host.url}/api/echo?code=master-key`, { method: "POST", body: "m" });
    assert.equal(byMaster.status, 201);
  });

  test("opens admin-level routes to the master key only", async () => {
    assert.equal((await fetch(`${host.url}/api/admin-only?code=fn-key`)).status, 401);
    const response = await fetch(`${host.url}/api/admin-only`, {
      headers: { "x-functions-key": "master-key" },
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "admin ok");
  });

  test("fails with a bare 500 when the handler throws, logging the error on the server only", async () => {
    const response = await fetch(`${host.url}/api/boom`);
    assert.equal(response.status, 500);
    assert.equal(await response.text(), "");
    assert.ok(logged.some((line) => line.startsWith("error") && line.includes("internal detail")));
  });

  test("fails with 413 when the body exceeds the limit", async () => {
    const response = await fetch(`${host.url}/api/echo?code=fn-key`, {
      method: "POST",
      body: "x".repeat(2048),
    });
    assert.equal(response.status, 413);
  });

  test("routes mounted paths to their handler behind the system key", async () => {
    assert.equal((await fetch(`${host.url}/runtime/webhooks/probe/x?code=fn-key`)).status, 401);
    const response = await fetch(`${host.url}/runtime/webhooks/probe/x?code=sys-key`);
    assert.equal(await response.text(), "mounted");
    assert.deepEqual(mounted, ["/runtime/webhooks/probe/x"]);
  });

  test("never writes a presented key into the log", () => {
    assert.ok(logged.length > 0);
    assert.ok(logged.every((line) => !/fn-key|master-key|sys-key/.test(line)));
  });

  test("lists its routes with methods and auth levels", () => {
    const echo = host.routes.find((route) => route.name === "Echo");
    assert.deepEqual(echo, {
      name: "Echo",
      methods: ["POST", "PUT"],
      path: "/api/echo",
      authLevel: "function",
    });
  });
});
