/**
 * The emulator answers as Azure's published REST specs say, for every type it serves: statuses and
 * long-running-operation headers, answers holding only what the api-version defines (and never a
 * write-only value), the keys the spec's examples answer with, request validation as ARM does it, and
 * the findings of replaying the specs' examples (see fixtures.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningEmulator } from "../../src/index.js";
import { startTestEmulator } from "../harness.js";
import { REPORTED_TYPES, runConformance, type ConformanceRun } from "./run.js";

describe("conformance with Azure's REST specs", () => {
  let emulator: RunningEmulator;
  let run: ConformanceRun;

  before(async () => {
    emulator = await startTestEmulator({ throttling: false });
    run = await runConformance(emulator);
  });
  after(() => emulator.stop());

  for (const type of REPORTED_TYPES) {
    test(`${type}: every check holds`, () => {
      const mine = run.checks.filter((check) => check.type === type);
      assert.ok(mine.length > 0, `no checks ran for ${type}`);
      const failed = mine
        .filter((check) => !check.passed)
        .map((check) => `${check.name}: ${check.detail ?? ""}`);
      assert.deepEqual(failed, [], `${failed.length} of ${mine.length} checks fail`);
    });
  }
});
