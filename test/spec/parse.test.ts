/** Hostile and malformed spec text is refused cleanly, with a message and without echoing content. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_ALIAS_COUNT, MAX_NESTING_DEPTH, MAX_SPEC_BYTES, parseSpecText } from "../../lib/spec/parse";
import { validateSpec } from "../../lib/spec/validate";

function problemsOf(text: string): string[] {
  const result = parseSpecText(text);
  assert.equal(result.ok, false, "the text should be refused");
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}|${problem.message}`);
}

describe("parseSpecText", () => {
  it("reads YAML and JSON to the same value", () => {
    const yaml = parseSpecText("name: a\nmodules:\n  - type: base\n");
    const json = parseSpecText('{"name": "a", "modules": [{"type": "base"}]}');
    assert.deepEqual(yaml, { ok: true, value: { name: "a", modules: [{ type: "base" }] } });
    assert.deepEqual(json, yaml);
  });

  it("fails on a YAML alias bomb without expanding it", () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let level = 1; level <= 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const next = String.fromCharCode(97 + level);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const started = Date.now();
    assert.deepEqual(problemsOf(lines.join("\n")), [
      `|the spec expands more than ${MAX_ALIAS_COUNT} YAML aliases`,
    ]);
    assert.ok(Date.now() - started < 2000, "refusing the bomb must not take long");
  });

  it("fails on a document larger than the limit before parsing it", () => {
    const text = `name: x\nfiller: "${"y".repeat(MAX_SPEC_BYTES)}"\n`;
    const bytes = Buffer.byteLength(text);
    assert.deepEqual(problemsOf(text), [
      `|the spec is ${bytes} bytes; the limit is ${MAX_SPEC_BYTES} bytes (256 KiB)`,
    ]);
  });

  it("counts the limit in UTF-8 bytes, not characters", () => {
    const text = `name: "${"é".repeat(MAX_SPEC_BYTES / 2)}"`;
    assert.ok(text.length < MAX_SPEC_BYTES);
    assert.equal(parseSpecText(text).ok, false);
  });

  it("fails on nesting deeper than the limit", () => {
    const depth = MAX_NESTING_DEPTH + 5;
    const text = `${"[".repeat(depth)}1${"]".repeat(depth)}`;
    assert.deepEqual(problemsOf(text), [`|the spec nests deeper than ${MAX_NESTING_DEPTH} levels`]);
  });

  it("fails on nesting deep enough to exhaust a recursive parser, without crashing", () => {
    const depth = 100_000;
    const result = parseSpecText(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    assert.equal(result.ok, false);
  });

  it("fails on an empty document", () => {
    assert.deepEqual(problemsOf("  \n# only a comment\n".replace("# only a comment", "")), [
      "|the spec is empty",
    ]);
  });

  it("fails on several YAML documents in one text", () => {
    assert.deepEqual(problemsOf("name: a\n---\nname: b\n"), [
      "|not valid YAML or JSON at line 2, column 1: a spec is one document; remove the --- separator and what follows",
    ]);
  });

  it("fails on duplicate keys, naming the line", () => {
    assert.deepEqual(problemsOf("name: a\norg_name: b\nname: c\n"), [
      "|not valid YAML or JSON at line 3, column 1: a key appears twice in the same mapping",
    ]);
  });

  it("fails on broken JSON", () => {
    const problems = problemsOf('{"name": "a", ');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^\|not valid YAML or JSON at line 1, column 15: /);
  });
});

describe("validateSpec on hostile roots and types", () => {
  const ROOT_MESSAGE = "the spec must be a mapping with name, org_name, providers and modules";
  for (const [title, text] of [
    ["a scalar", "42"],
    ["a string", '"staging"'],
    ["null", "null"],
    ["a list", "- name: a\n"],
  ] as const) {
    it(`fails on ${title} as the root`, () => {
      const result = validateSpec(text);
      assert.deepEqual(result.ok ? [] : result.problems, [{ path: "", message: ROOT_MESSAGE }]);
    });
  }

  it("fails on wrong types everywhere, each at its path", () => {
    const result = validateSpec("name: 1\norg_name: [a]\nproviders: x\nmodules: {type: base}\n");
    assert.deepEqual(result.ok ? [] : result.problems, [
      { path: "name", message: "must be a string, not the number 1" },
      { path: "org_name", message: "must be a string, not a list" },
      { path: "providers", message: 'must be a mapping (key: value), not the string "x"' },
      { path: "modules", message: "must be a list, not a mapping" },
    ]);
  });

  it("repeats at most the first 40 characters of a value in its messages", () => {
    const long = "z".repeat(10_000);
    const result = validateSpec({
      name: long,
      org_name: "acme",
      providers: { azurerm: { location: long, tenant_id: long, subscription_id: 7 } },
      modules: [{ type: long }],
    });
    const messages = result.ok ? [] : result.problems.map((problem) => problem.message);
    assert.ok(
      messages.every((message) => message.length < 200),
      messages.join("\n"),
    );
    assert.ok(
      messages.includes(
        `unknown Azure location "${"z".repeat(40)}…"; use a region name such as eastus2, westeurope or uksouth`,
      ),
    );
  });
});
