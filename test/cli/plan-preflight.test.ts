/**
 * `envctl plan --preflight`: the offline plan, then what the running service's preflight says — exit 0
 * when Azure would build it, 2 with every problem when it would refuse, 75 when the service cannot answer.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { startAppStack, type AppStack } from "../functions/app-stack";
import { runInMemory } from "./in-memory-cli";

const STAGING = readFileSync(join(findAppRoot(__filename), "examples", "staging.yaml"), "utf8");

let stack: AppStack;
before(async () => {
  stack = await startAppStack();
});
after(() => stack.stop());

const serviceEnv = () => ({
  ENVCTL_API_URL: `${stack.devhost.url}/api`,
  ENVCTL_FUNCTION_KEY: stack.devhost.key,
});

describe("envctl plan --preflight", () => {
  it("prints the plan and preflight's verdict, exit 0, when Azure would build the spec", async () => {
    const run = await runInMemory(
      ["plan", "staging.yaml", "--preflight"],
      { "staging.yaml": STAGING },
      serviceEnv(),
    );
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.ok(run.stdout.some((line) => line.startsWith("Plan for acme-staging")));
    assert.match(
      run.stdout.at(-1) ?? "",
      /^Preflight: passed \(18 Azure reads\); applying would: \d+ create/,
    );
  });

  it("fails with exit 2 and every problem, as validation does, when Azure would refuse it", async () => {
    const foreign = STAGING.replace(
      "tenant_id: 00000000-0000-0000-0000-000000000001",
      "tenant_id: abcd0000-0000-4000-8000-000000000009",
    );
    stack.emulator.admin.configureSubscriptions({
      withdrawn: { kubernetesVersions: [{ location: "eastus2", version: "1.35" }] },
    });
    try {
      const run = await runInMemory(
        ["plan", "staging.yaml", "--preflight"],
        { "staging.yaml": foreign },
        serviceEnv(),
      );
      assert.equal(run.code, 2);
      assert.equal(
        run.stderr[0],
        "staging.yaml: preflight: 2 problems Azure would refuse; nothing was written",
      );
      assert.match(
        run.stderr[1] ?? "",
        /^ {2}providers\.azurerm\.tenant_id: the provisioner's identity belongs to tenant/,
      );
      assert.match(
        run.stderr[2] ?? "",
        /^ {2}modules\[1\]\.kubernetes_version: AKS does not offer Kubernetes 1\.35/,
      );
    } finally {
      stack.emulator.admin.clearSubscriptionSettings();
    }
  });

  it("adds preflight and the changes to --json", async () => {
    const run = await runInMemory(
      ["plan", "staging.yaml", "--preflight", "--json"],
      { "staging.yaml": STAGING },
      serviceEnv(),
    );
    assert.equal(run.code, 0, run.stderr.join("\n"));
    const printed = JSON.parse(run.stdout.join("\n")) as { preflight: { outcome: string }; changes: object };
    assert.equal(printed.preflight.outcome, "passed");
    assert.ok("create" in printed.changes);
  });

  it("fails with exit 75 when the service does not answer, and 2 without its key", async () => {
    const unreachable = await runInMemory(
      ["plan", "staging.yaml", "--preflight", "--api", "http://127.0.0.1:9/api"],
      { "staging.yaml": STAGING },
      { ENVCTL_FUNCTION_KEY: "k" },
    );
    assert.equal(unreachable.code, 75);
    assert.match(
      unreachable.stderr.join("\n"),
      /preflight could not be asked: http:\/\/127\.0\.0\.1:9\/api did not answer/,
    );
    const keyless = await runInMemory(
      ["plan", "staging.yaml", "--preflight"],
      { "staging.yaml": STAGING },
      {
        ENVCTL_API_URL: `${stack.devhost.url}/api`,
      },
    );
    assert.equal(keyless.code, 2);
    assert.match(keyless.stderr.join("\n"), /--preflight needs ENVCTL_FUNCTION_KEY/);
  });

  it("stays offline without --preflight", async () => {
    const run = await runInMemory(["plan", "staging.yaml"], { "staging.yaml": STAGING }, {});
    assert.equal(run.code, 0);
    assert.ok(!run.stdout.some((line) => line.startsWith("Preflight")));
  });
});
