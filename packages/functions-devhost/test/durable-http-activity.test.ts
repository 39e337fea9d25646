/** The built-in activity behind `callHttp`, against a local HTTP server. */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { callDurableHttp } from "../src/durable/http-activity";

let server: Server;
let base: string;
const received: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];

before(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      if (request.url?.startsWith("/identity")) {
        const ok = request.headers["x-identity-header"] === "secret-header";
        response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        response.end(ok ? JSON.stringify({ access_token: "token-for-test" }) : "{}");
        return;
      }
      response.writeHead(201, {
        "content-type": "application/json",
        "x-request-id": "r-1",
        "set-cookie": ["a=1", "b=2"],
      });
      response.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("callHttp's built-in activity", () => {
  test("sends the method, headers and content, and answers with status, non-content headers and text", async () => {
    const response = await callDurableHttp({
      method: "POST",
      uri: `${base}/things`,
      content: JSON.stringify({ name: "x" }),
      headers: { "Content-Type": "application/json", "x-custom": "yes" },
    });
    const request = received.at(-1);
    assert.equal(request?.method, "POST");
    assert.equal(request?.headers["x-custom"], "yes");
    assert.equal(request?.body, JSON.stringify({ name: "x" }));
    assert.equal(response.statusCode, 201);
    assert.deepEqual(JSON.parse(response.content), { echoed: JSON.stringify({ name: "x" }) });
    assert.equal(response.headers["x-request-id"], "r-1");
    assert.deepEqual(response.headers["set-cookie"], ["a=1", "b=2"], "several values become an array");
    assert.equal(response.headers["content-type"], undefined, "content headers are not copied, as on Azure");
  });

  test("adds a bearer token from the App Service managed identity endpoint for a token source", async () => {
    await callDurableHttp(
      {
        method: "GET",
        uri: `${base}/protected`,
        tokenSource: { resource: "https://management.core.windows.net/" },
      },
      { IDENTITY_ENDPOINT: `${base}/identity`, IDENTITY_HEADER: "secret-header" },
    );
    const tokenRequest = received.at(-2);
    assert.match(tokenRequest?.url ?? "", /resource=https%3A%2F%2Fmanagement\.core\.windows\.net%2F/);
    assert.equal(received.at(-1)?.headers.authorization, "Bearer token-for-test");
  });

  test("fails when a token source is asked for and no managed identity is configured", async () => {
    await assert.rejects(
      callDurableHttp({ method: "GET", uri: `${base}/protected`, tokenSource: { resource: "api://x" } }, {}),
      /IDENTITY_ENDPOINT and IDENTITY_HEADER are not set/,
    );
  });

  test("fails when the server cannot be reached", async () => {
    await assert.rejects(callDurableHttp({ method: "GET", uri: "http://127.0.0.1:9/unreachable" }, {}));
  });
});
