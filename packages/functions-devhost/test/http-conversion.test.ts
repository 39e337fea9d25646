import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { HttpResponse } from "@azure/functions";
import {
  isInvalidHttpResultError,
  toFunctionsRequest,
  writeFunctionsResponse,
  readRequestBody,
} from "../src/http-conversion";

/** What the next request to the probe server answers with, and what it saw. */
let nextResult: unknown;
let lastError: unknown;
let lastRequest:
  { url: string; method: string; params: unknown; body: string; header: string | null } | undefined;
let server: Server;
let origin: string;

before(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
      const functionsRequest = toFunctionsRequest(request, url, { id: "7" }, await readRequestBody(request));
      lastRequest = {
        url: functionsRequest.url,
        method: functionsRequest.method,
        params: functionsRequest.params,
        body: await functionsRequest.text(),
        header: functionsRequest.headers.get("x-probe"),
      };
      try {
        await writeFunctionsResponse(nextResult, response);
      } catch (error) {
        lastError = error;
        response.writeHead(599).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("HTTP conversion", () => {
  test("builds a real HttpRequest with url, method, headers, params and body", async () => {
    nextResult = undefined;
    await fetch(`${origin}/api/items/7?x=1`, {
      method: "PATCH",
      headers: { "x-probe": "yes" },
      body: "payload",
    });
    assert.deepEqual(lastRequest, {
      url: `${origin}/api/items/7?x=1`,
      method: "PATCH",
      params: { id: "7" },
      body: "payload",
      header: "yes",
    });
  });

  test("answers 204 when the handler returns nothing", async () => {
    nextResult = undefined;
    const response = await fetch(origin);
    assert.equal(response.status, 204);
  });

  test("writes an HttpResponse's status, headers and body", async () => {
    nextResult = new HttpResponse({ status: 418, body: "teapot", headers: { "x-kind": "tea" } });
    const response = await fetch(origin);
    assert.equal(response.status, 418);
    assert.equal(response.headers.get("x-kind"), "tea");
    assert.equal(await response.text(), "teapot");
  });

  test("serializes jsonBody, keeping a content type the handler set", async () => {
    nextResult = {
      jsonBody: { ok: true },
      headers: { "content-type": "application/problem+json" },
      status: 400,
    };
    const response = await fetch(origin);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.deepEqual(await response.json(), { ok: true });
  });

  test("keeps several cookies apart", async () => {
    nextResult = {
      cookies: [
        { name: "a", value: "1", expires: new Date(Date.UTC(2030, 0, 1)) },
        { name: "b", value: "x y", sameSite: "Strict", secure: true },
      ],
    };
    const response = await fetch(origin);
    assert.deepEqual(response.headers.getSetCookie(), [
      "a=1; Expires=Tue, 01 Jan 2030 00:00:00 GMT",
      "b=x%20y; Secure; SameSite=Strict",
    ]);
  });

  test("fails on a result that is not an object, writing nothing", async () => {
    nextResult = "just a string";
    const response = await fetch(origin);
    assert.equal(response.status, 599);
    assert.ok(isInvalidHttpResultError(lastError));
  });
});
