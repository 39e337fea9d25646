#!/usr/bin/env node
// Runs the compiled test suites — the app's (dist/test) and every workspace package's
// (packages/<name>/dist/test) — in one run of node's test runner, so the concurrency limit holds across
// all of them. Node 20's `--test` takes no globs, so the files are collected here.
//
//   node scripts/run-tests.js [--package <dir>] [filter ...]
//
// A filter keeps the test files whose source-like path contains it (`npm test -- emulator` runs
// packages/azure-emulator/test/* and any app test with "emulator" in its path); `--package <dir>` keeps
// only that package's tests (a package's own `npm test` passes `--package .`).
"use strict";
const { existsSync, readdirSync, statSync } = require("node:fs");
const { join, relative, resolve, sep } = require("node:path");
const { spawnSync } = require("node:child_process");

const repository = resolve(__dirname, "..");

/** Every suite: where its compiled tests are, and the folder its test sources live in. */
function suites() {
  const found = [{ compiled: join(repository, "dist", "test"), sources: join(repository, "test") }];
  const packages = join(repository, "packages");
  for (const name of existsSync(packages) ? readdirSync(packages).sort() : []) {
    const dir = join(packages, name);
    if (!existsSync(join(dir, "package.json"))) continue;
    found.push({ compiled: join(dir, "dist", "test"), sources: join(dir, "test"), packageDir: dir });
  }
  return found;
}

function collect(dir) {
  const files = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...collect(full));
    else if (entry.endsWith(".test.js")) files.push(full);
  }
  return files;
}

const args = process.argv.slice(2);
let onlyPackage;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--package") onlyPackage = resolve(args[++i] ?? ".");
  else filters.push(args[i]);
}

const selected = suites().filter((suite) => onlyPackage === undefined || suite.packageDir === onlyPackage);
if (selected.length === 0) {
  console.error(`no workspace package at ${relative(process.cwd(), onlyPackage) || "."}`);
  process.exit(1);
}
const files = [];
for (const suite of selected) {
  if (!existsSync(suite.compiled)) {
    console.error(`${relative(process.cwd(), suite.compiled)} is missing: run npm run build`);
    process.exit(1);
  }
  for (const file of collect(suite.compiled)) {
    // Match filters against the path of the test's source (test/…, packages/<name>/test/…), as written.
    const source = relative(repository, join(suite.sources, relative(suite.compiled, file)))
      .split(sep)
      .join("/");
    if (filters.length === 0 || filters.some((filter) => source.includes(filter))) files.push(file);
  }
}
files.sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(", ") || "*"}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const result = spawnSync(
  process.execPath,
  ["--test", "--test-reporter=spec", `--test-concurrency=${concurrency}`, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
