/**
 * The nesting bound applied to spec text before any parser sees it: hostile bodies are refused in one
 * linear pass, whatever their syntax, and no legitimate document is ever undercounted.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { nestsDeeperThan } from "../../lib/spec/nesting";
import { MAX_NESTING_DEPTH, parseSpecText } from "../../lib/spec/parse";

const examples = join(__dirname, "..", "..", "..", "examples");

/** The depth of a parsed value: a scalar is 0, a collection one more than its deepest member. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe("the nesting bound on spec text", () => {
  const hostile: ReadonlyArray<readonly [what: string, text: string]> = [
    ["10,000 JSON arrays", "[".repeat(10_000) + "]".repeat(10_000)],
    ["10,000 JSON objects", '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000)],
    ["unclosed flow sequences", "name: x\nmodules: " + "[".repeat(5_000)],
    [
      "block mappings 40 deep",
      Array.from({ length: 40 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " 1",
    ],
    ["block sequences 40 deep", Array.from({ length: 40 }, (_, i) => `${"  ".repeat(i)}-`).join("\n") + " 1"],
    ["compact sequences on one line", "- ".repeat(40) + "x"],
  ];
  for (const [what, text] of hostile) {
    it(`refuses ${what} before parsing, quickly`, () => {
      const started = process.hrtime.bigint();
      assert.equal(nestsDeeperThan(text, MAX_NESTING_DEPTH), true);
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 200, "linear in the text");
      const parsed = parseSpecText(text);
      assert.equal(parsed.ok, false);
      assert.deepEqual(!parsed.ok && parsed.problems.map((p) => p.message), [
        `the spec nests deeper than ${MAX_NESTING_DEPTH} levels`,
      ]);
    });
  }

  it("does not count brackets inside strings, comments or block scalars", () => {
    const text = [
      'description: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["',
      "other: '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'",
      "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "script: |",
      "  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
      "      {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
      "note: don't [count] this",
    ].join("\n");
    assert.equal(nestsDeeperThan(text, 3), false);
  });

  it("accepts every example spec with room to spare", () => {
    for (const file of readdirSync(examples).filter((name) => /\.ya?ml$/.test(name))) {
      const text = readFileSync(join(examples, file), "utf8");
      assert.equal(nestsDeeperThan(text, 12), false, file);
    }
  });

  it("never counts fewer levels than the parser builds, for YAML block, YAML flow and JSON alike", () => {
    const documents = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.jsonValue({ maxDepth: 8 }),
      {
        minKeys: 1,
        maxKeys: 4,
      },
    );
    fc.assert(
      fc.property(documents, fc.constantFrom("block", "flow", "json"), (value, style) => {
        const text =
          style === "json"
            ? JSON.stringify(value)
            : stringify(value, style === "flow" ? { collectionStyle: "flow" } : {});
        const depth = depthOf(value);
        // Counting may overshoot; it must never undershoot, or a deep document would reach the parser.
        assert.equal(nestsDeeperThan(text, depth - 1), true, text);
      }),
      { numRuns: 300 },
    );
  });
});
