import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareRoutePrecedence, isRouteTemplateError, parseRouteTemplate } from "../src/routes";

describe("route templates", () => {
  test("match literal segments case-insensitively and ignore a trailing slash", () => {
    const route = parseRouteTemplate("environments/list");
    assert.deepEqual(route.match("/Environments/LIST/"), {});
    assert.equal(route.match("environments/other"), undefined);
    assert.equal(route.match("environments/list/extra"), undefined);
  });

  test("capture and URL-decode parameters", () => {
    const route = parseRouteTemplate("orgs/{org}/environments/{name}");
    assert.deepEqual(route.match("orgs/acme/environments/dev%20one"), { org: "acme", name: "dev one" });
  });

  test("leave an optional last parameter out when absent, or use its default", () => {
    const optional = parseRouteTemplate("items/{id?}");
    assert.deepEqual(optional.match("items"), {});
    assert.deepEqual(optional.match("items/7"), { id: "7" });
    const withDefault = parseRouteTemplate("items/{page=1}");
    assert.deepEqual(withDefault.match("items"), { page: "1" });
    assert.deepEqual(withDefault.match("items/3"), { page: "3" });
  });

  test("enforce inline constraints", () => {
    const route = parseRouteTemplate("users/{id:int:min(1)}/{flag:bool?}");
    assert.deepEqual(route.match("users/42/true"), { id: "42", flag: "true" });
    assert.deepEqual(route.match("users/42"), { id: "42" });
    assert.equal(route.match("users/abc"), undefined);
    assert.equal(route.match("users/0"), undefined);
    assert.equal(route.match("users/99999999999"), undefined, "beyond int32");
    assert.equal(route.match("users/4/maybe"), undefined);
    const alpha = parseRouteTemplate("a/{name:alpha:length(2,4)}");
    assert.ok(alpha.match("a/abc"));
    assert.equal(alpha.match("a/a"), undefined);
    assert.equal(alpha.match("a/ab1"), undefined);
    const guid = parseRouteTemplate("g/{id:guid}");
    assert.ok(guid.match("g/0f8fad5b-d9cb-469f-a165-70867728950e"));
    assert.equal(guid.match("g/nope"), undefined);
    const regex = parseRouteTemplate("r/{code:regex(^[a-c]+$)}");
    assert.ok(regex.match("r/abca"));
    assert.equal(regex.match("r/abd"), undefined);
  });

  test("take the rest of the path in a catch-all parameter", () => {
    const route = parseRouteTemplate("files/{*path}");
    assert.deepEqual(route.match("files/a/b/c.txt"), { path: "a/b/c.txt" });
    assert.deepEqual(route.match("files"), {});
  });

  test("match parameters inside a segment with literals around them", () => {
    const route = parseRouteTemplate("files/{name}.{ext}");
    assert.deepEqual(route.match("files/report.v2.pdf"), { name: "report", ext: "v2.pdf" });
  });

  test("describe their parameters", () => {
    assert.deepEqual(parseRouteTemplate("x/{id:int}/{rest?}").parameters, [
      { name: "id", optional: false, catchAll: false, constraints: ["int"] },
      { name: "rest", optional: true, catchAll: false, constraints: [] },
    ]);
  });

  test("order literal segments before constrained, plain and catch-all parameters", () => {
    const templates = ["items/{*rest}", "items/{id}", "items/{id:int}", "items/special"].map(
      parseRouteTemplate,
    );
    assert.deepEqual(
      templates.sort(compareRoutePrecedence).map((route) => route.template),
      ["items/special", "items/{id:int}", "items/{id}", "items/{*rest}"],
    );
  });

  test("fails on unknown constraints, bad names, unbalanced braces and misplaced optionals", () => {
    for (const template of [
      "a/{id:color}",
      "a/{1id}",
      "a/{id",
      "a/id}",
      "{id?}/a",
      "{*rest}/a",
      "a/{x}/{X}",
      "a/{id:min(x)}",
    ]) {
      assert.throws(() => parseRouteTemplate(template), isRouteTemplateError, template);
    }
  });
});
