#!/usr/bin/env node
// Runs the compiled test suite with node's test runner. Node 20's `--test` takes no globs, so the
// files are collected here. Optional arguments filter by path substring: `npm test -- emulator`.
"use strict";
const { readdirSync, statSync } = require("node:fs");
const { join, relative } = require("node:path");
const { spawnSync } = require("node:child_process");

const root = join(__dirname, "..", "dist", "test");
const filters = process.argv.slice(2);

function collect(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...collect(full));
    else if (entry.endsWith(".test.js")) found.push(full);
  }
  return found;
}

const files = collect(root)
  .filter((file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${relative(process.cwd(), root)} match ${filters.join(", ") || "*"}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const result = spawnSync(
  process.execPath,
  ["--test", "--test-reporter=spec", `--test-concurrency=${concurrency}`, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
