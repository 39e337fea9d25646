/**
 * The HTTP edge tried as a hostile client would, with random and adversarial requests (bounded in
 * count): bodies of every shape and depth, content types, methods and paths. Whatever arrives, the
 * host answers a 4xx (a problem document on the API's own routes), never a 5xx, and keeps answering;
 * nothing is started.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { startAppStack, type AppStack } from "./app-stack";

let stack: AppStack;
before(async () => {
  stack = await startAppStack();
});
after(() => stack.stop());

/** Bodies that have killed or stalled parsers elsewhere, plus arbitrary text and bytes. */
const hostileBody = fc.oneof(
  fc.integer({ min: 33, max: 20_000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  fc.integer({ min: 33, max: 20_000 }).map((depth) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth)),
  fc.integer({ min: 33, max: 5_000 }).map((depth) => "a: " + "[".repeat(depth)),
  fc
    .integer({ min: 33, max: 2_000 })
    .map((depth) => Array.from({ length: depth }, (_, i) => `${" ".repeat(i)}- x:`).join("\n")),
  fc.integer({ min: 33, max: 3_000 }).map((depth) => "- ".repeat(depth) + "x"),
  fc.constant("a: &a [*a, *a, *a]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c]"),
  fc.constant("x".repeat(300 * 1024)),
  fc.constant("name: x\n---\nname: y\n"),
  fc.constant("\u0000\uffff\ud800"),
  fc.string({ maxLength: 2_000 }),
  fc.json({ maxDepth: 6 }),
  fc.uint8Array({ maxLength: 4_096 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
);

const contentType = fc.constantFrom(
  "application/json",
  "application/yaml",
  "text/yaml",
  "application/merge-patch+json",
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
  "\u00ff/\u00fe",
);

const idSegment = fc.oneof(
  fc.constantFrom(
    "acme-dev",
    "acme%2fdev",
    "acme%2Fdev",
    "..%2f..",
    "%00",
    "a".repeat(300),
    "acme-dev%23x",
    "ACME-DEV",
  ),
  fc.string({ maxLength: 40 }).map((text) => encodeURIComponent(text)),
);

const request = fc.record({
  method: fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"),
  path: fc.oneof(
    fc.constant("environments"),
    idSegment.map((id) => `environments/${id}`),
    idSegment.map((id) => `environments/${id}/plan`),
    idSegment.map((id) => `environments/${id}/cancel`),
    fc
      .string({ maxLength: 30 })
      .map((text) => `environments/${encodeURIComponent(text)}/${encodeURIComponent(text)}`),
  ),
  contentType,
  body: hostileBody,
});

describe("the HTTP edge under random and adversarial requests", () => {
  test("answers every request with a 4xx (a problem document on API routes), never a 5xx, and keeps answering", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, contentType: type, body }) => {
        const withBody = method !== "GET";
        const response = await stack.api(path, {
          method,
          headers: type === "" ? {} : { "content-type": type },
          ...(withBody ? { body: Buffer.from(body) } : {}),
        });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        assert.ok(
          response.status < 500,
          `${method} ${path} (${type}) answered ${response.status}: ${text.slice(0, 300)}`,
        );
        // A hostile body never gets a build started; reads of an unknown environment are 4xx too. Only
        // the list of environments (empty) is a success.
        // (After the URL's own normalisation: `environments/./.` is `environments/`.)
        const normalised = new URL(`http://host/api/${path}`).pathname.replace(/\/+$/, "");
        const isList = method === "GET" && normalised === "/api/environments";
        assert.ok(
          isList || response.status >= 400,
          `${method} ${path} (${type}) answered ${response.status}`,
        );
        if (response.headers.get("content-type")?.startsWith("application/problem+json")) {
          const problem = JSON.parse(text) as { status: number; title: string };
          assert.equal(problem.status, response.status);
          assert.ok(problem.title.length > 0);
        }
      }),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    // The host still answers, and nothing was recorded or started by any of it.
    const list = await stack.api("environments");
    assert.equal(list.status, 200);
    assert.deepEqual(((await list.json()) as { environments: unknown[] }).environments, []);
    assert.ok((seen.get(400) ?? 0) + (seen.get(415) ?? 0) > 0, JSON.stringify([...seen]));
  });

  test("refuses a deeply nested body in any content type before parsing it, within a second each", async () => {
    for (const type of ["application/json", "application/yaml", ""]) {
      for (const body of ["[".repeat(100_000), '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000)]) {
        const started = Date.now();
        const response = await stack.api("environments", {
          method: "POST",
          headers: type === "" ? {} : { "content-type": type },
          // Bytes, so fetch adds no content type of its own (a string would be sent as text/plain).
          body: Buffer.from(body),
        });
        const problem = (await response.json()) as { problems?: { message: string }[] };
        assert.equal(response.status, 400, type);
        assert.match(problem.problems?.[0]?.message ?? "", /nests deeper than 32 levels/);
        assert.ok(Date.now() - started < 1_000, `${type}: ${Date.now() - started} ms`);
      }
    }
  });
});
