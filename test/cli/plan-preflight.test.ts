/**
 * `envctl plan` against a running service: the live diff, then what the service's preflight says — exit 0
 * when Azure would build it, 2 with every problem when it would refuse; `--preflight` insists on the
 * service, and without one only `--offline`'s plan is made.
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
  ENVCTL_URL: `${stack.devhost.url}/api`,
  ENVCTL_KEY: stack.devhost.key,
  // No profile of the machine's user is read.
  XDG_CONFIG_HOME: "/nonexistent",
});

describe("envctl plan --preflight", () => {
  it("prints the diff and preflight's verdict, exit 0, when Azure would build the spec", async () => {
    const run = await runInMemory(
      ["plan", "staging.yaml", "--preflight"],
      { "staging.yaml": STAGING },
      serviceEnv(),
      { fetch },
    );
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.ok(run.stdout.some((line) => line.startsWith("acme-staging against Azure now")));
    assert.match(run.stdout.at(-2) ?? "", /^Plan: \d+ to create, 0 to update, 0 unchanged/);
    assert.match(run.stdout.at(-1) ?? "", /^Preflight: passed \(\d+ Azure reads\)$/);
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
        { fetch },
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
      { fetch },
    );
    assert.equal(run.code, 0, run.stderr.join("\n"));
    const printed = JSON.parse(run.stdout.join("\n")) as { preflight: { outcome: string }; changes: object };
    assert.equal(printed.preflight.outcome, "passed");
    assert.ok("create" in printed.changes);
  });

  it("fails with exit 2 without a service or its key, and with 1 when the service does not answer", async () => {
    const unconfigured = await runInMemory(
      ["plan", "staging.yaml", "--preflight"],
      { "staging.yaml": STAGING },
      { XDG_CONFIG_HOME: "/nonexistent" },
    );
    assert.equal(unconfigured.code, 2);
    assert.match(unconfigured.stderr.join("\n"), /--preflight asks the service: run envctl login URL/);
    const keyless = await runInMemory(
      ["plan", "staging.yaml", "--preflight"],
      { "staging.yaml": STAGING },
      { ENVCTL_URL: `${stack.devhost.url}/api`, XDG_CONFIG_HOME: "/nonexistent" },
      { fetch },
    );
    assert.equal(keyless.code, 2);
    assert.match(keyless.stderr.join("\n"), /no key for/);
    const unreachable = await runInMemory(
      ["plan", "staging.yaml", "--preflight", "--url", "http://127.0.0.1:9"],
      { "staging.yaml": STAGING },
      { ENVCTL_KEY: "k", XDG_CONFIG_HOME: "/nonexistent" },
      { fetch },
    );
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr.join("\n"), /127\.0\.0\.1:9/);
  });

  it("plans offline, without preflight, when no service is configured", async () => {
    const run = await runInMemory(
      ["plan", "staging.yaml"],
      { "staging.yaml": STAGING },
      { XDG_CONFIG_HOME: "/nonexistent" },
    );
    assert.equal(run.code, 0);
    assert.ok(run.stdout.some((line) => line.startsWith("Plan for acme-staging")));
    assert.ok(!run.stdout.some((line) => line.startsWith("Preflight")));
  });
});
