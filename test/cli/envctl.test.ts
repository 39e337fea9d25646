/**
 * envctl's behaviour as a user sees it: exit codes, what goes to stdout and stderr, human and JSON
 * output. A few tests spawn the real program; the rest run the CLI in-process with a fake file system.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isPlanGraphError } from "../../lib/plan/errors";
import { topologicalOrder } from "../../lib/plan/graph";
import type { Plan } from "../../lib/plan/types";
import { fullSpecDocument, specDocument } from "../spec/fixtures";
import { repositoryRoot } from "../support/repository-root";
import { runInMemory } from "./in-memory-cli";

const ROOT = repositoryRoot(__dirname);

/** Runs envctl from its TypeScript source in a child process, as `bin/envctl.js` runs the compiled one. */
function envctl(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "cli", "main.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const run = runInMemory;

const VALID = JSON.stringify(fullSpecDocument());
const INVALID = JSON.stringify(
  specDocument(
    [
      { type: "base", vnet_cidr: "10.0.0.0/33" },
      { type: "k8s-cluster", min_nodes: 5, max_nodes: 2 },
    ],
    {
      org_name: "ACME",
    },
  ),
);

describe("envctl (spawned)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "envctl-test-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("confirms the staging example and exits 0", () => {
    const result = envctl(["validate", "examples/staging.yaml"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      "examples/staging.yaml: valid (environment acme-staging; modules base, k8s-cluster, db, cache)\n",
    );
    assert.equal(result.stderr, "");
  });

  it("fails with exit 2 and prints every problem of an invalid spec", () => {
    const file = join(scratch, "invalid.json");
    writeFileSync(file, INVALID);
    const result = envctl(["validate", file]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.deepEqual(result.stderr.trimEnd().split("\n"), [
      `${file}: 3 problems`,
      "  org_name: must be 1–15 characters of lower-case letters, digits and hyphens (Opta's rule)",
      '  modules[0].vnet_cidr: "10.0.0.0/33" is not an IPv4 CIDR such as 10.0.0.0/16',
      "  modules[1].max_nodes: must be at least min_nodes (5); it is 2",
    ]);
  });

  it("prints the plan of the staging example as JSON, with the provisioner settings from the environment", () => {
    const result = envctl(["plan", "examples/staging.yaml", "--json"], {
      PROVISIONER_PRINCIPAL_ID: "44444444-4444-4444-8444-444444444444",
      PROVISIONER_ALLOWED_IP_RANGES: "203.0.113.9, 198.51.100.0/24",
    });
    assert.equal(result.code, 0, result.stderr);
    const { plan, summary } = JSON.parse(result.stdout) as {
      plan: Plan;
      summary: { estimatedBuildSec: number };
    };
    assert.equal(plan.environmentId, "acme-staging");
    const role = plan.nodes.find((node) => node.key === "base/role-vault-secrets-officer")!;
    assert.equal(role.desired.principalId, "44444444-4444-4444-8444-444444444444");
    const vault = plan.nodes.find((node) => node.kind === "keyVault")!;
    assert.deepEqual(
      (vault.desired.properties as { networkAcls: { ipRules: unknown } }).networkAcls.ipRules,
      [{ value: "198.51.100.0/24" }, { value: "203.0.113.9/32" }],
    );
    assert.ok(summary.estimatedBuildSec > 0);
  });

  it("fails with exit 2 and help when no command is given", () => {
    const none = envctl([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^usage: envctl <command> \[arguments\]/);
  });
});

describe("envctl (in-process)", () => {
  it("fails with exit 2 on a missing file, saying so", async () => {
    const result = await run(["plan", "missing.yaml"], {});
    assert.equal(result.code, 2);
    assert.deepEqual(result.stderr, [
      "missing.yaml: 1 problem; nothing planned",
      "  cannot read missing.yaml: no such file",
    ]);
    assert.deepEqual(result.stdout, []);
  });

  it("fails with exit 2 on an oversized file without reading it", async () => {
    const huge = "x".repeat(300 * 1024);
    const result = await run(["validate", "huge.yaml"], { "huge.yaml": huge });
    assert.equal(result.code, 2);
    assert.deepEqual(result.stderr.slice(1), [
      `  huge.yaml is ${huge.length} bytes; a spec may be at most 262144 bytes`,
    ]);
  });

  it("fails with exit 2 on an unknown command, listing the commands", async () => {
    const result = await run(["apply-now"], {});
    assert.equal(result.code, 2);
    assert.equal(result.stderr[0], 'envctl: unknown command "apply-now"');
    assert.ok(result.stderr.some((line) => line.startsWith("  validate")));
  });

  it("fails with exit 2 on unknown options, a missing FILE, or two files", async () => {
    const usages: Record<string, string> = {
      validate: "usage: envctl validate FILE [--json]",
      plan: "usage: envctl plan FILE [--offline | --preflight] [--detailed-exitcode] [--json]",
    };
    for (const args of [
      ["validate", "--yaml", "a"],
      ["plan"],
      ["validate", "a", "b"],
      ["plan", "a", "b"],
      ["plan", "a", "--offline", "--preflight"],
    ]) {
      const result = await run(args, { a: VALID, b: VALID });
      assert.equal(result.code, 2, args.join(" "));
      assert.equal(result.stderr.at(-1), usages[args[0]!]);
    }
  });

  it("answers --help with exit 0 on stdout", async () => {
    const top = await run(["--help"], {});
    assert.equal(top.code, 0);
    assert.ok(top.stdout.some((line) => line.startsWith("  validate")));
    assert.ok(top.stdout.some((line) => line.startsWith("  plan")));
    const plan = await run(["plan", "--help"], {});
    assert.equal(plan.code, 0);
    assert.ok(plan.stdout.some((line) => line.includes("PROVISIONER_ALLOWED_IP_RANGES")));
  });

  it("prints validation results as JSON with --json", async () => {
    const bad = await run(["validate", "bad.json", "--json"], { "bad.json": INVALID });
    assert.equal(bad.code, 2);
    const parsed = JSON.parse(bad.stdout.join("\n")) as { ok: boolean; problems: { path: string }[] };
    assert.equal(parsed.ok, false);
    assert.deepEqual(
      parsed.problems.map((problem) => problem.path),
      ["org_name", "modules[0].vnet_cidr", "modules[1].max_nodes"],
    );
    const good = await run(["validate", "good.json", "--json"], { "good.json": VALID });
    assert.deepEqual(JSON.parse(good.stdout.join("\n")), { ok: true, warnings: [] });
  });

  it("prints warnings for skipped Opta modules on stderr and still succeeds", async () => {
    const spec = JSON.stringify(specDocument([{ type: "base" }, { type: "k8s-service" }]));
    const result = await run(["validate", "opta.json"], { "opta.json": spec });
    assert.equal(result.code, 0);
    assert.equal(result.stderr.length, 1);
    assert.match(
      result.stderr[0]!,
      /^warning: modules\[1\]\.type: Opta module type "k8s-service" is not built/,
    );
  });

  it("prints the plan by stage with names, dependencies, the critical path and the build time", async () => {
    const result = await run(["plan", "staging.json"], { "staging.json": VALID });
    assert.equal(result.code, 0, result.stderr.join("\n"));
    const text = result.stdout.join("\n");
    assert.match(result.stdout[0]!, /^Plan for acme-staging: 45 resources in rg-acme-staging \(eastus2\)$/);
    assert.equal(result.stdout[1], "Estimated build time: 11m 31s (critical path, steps in parallel)");
    const stageHeadings = result.stdout.filter((line) => /^(network|cluster|data|secrets) — /.test(line));
    assert.deepEqual(
      stageHeadings.map((line) => line.split(" ")[0]),
      ["network", "cluster", "data", "secrets"],
    );
    // The cache is Azure Managed Redis: a cluster and its database, about 11 minutes rather than 21.
    assert.match(
      text,
      /\n {2}cache\/cluster +managedRedisCluster +amr-acme-staging-cache-[0-9a-f]{8} +~10m +after base\/resource-group\n/,
    );
    assert.match(text, /\n {2}cache\/database +managedRedisDatabase +default +~1m +after cache\/cluster\n/);
    assert.match(
      text,
      /\nCritical path \(11m 31s\):\n {2}base\/resource-group \(1s\) → cache\/cluster \(10m\) → cache\/database \(1m\) → cache\/key-vault-secrets \(15s\) → cache\/kubernetes-secret \(15s\)\n/,
    );
    assert.match(result.stdout.at(-1)!, /^Plan hash: [0-9a-f]{64}$/);
  });

  it("fails with exit 2 on provisioner settings the planner cannot use", async () => {
    const result = await run(
      ["plan", "staging.json"],
      { "staging.json": VALID },
      { PROVISIONER_PRINCIPAL_ID: "me" },
    );
    assert.equal(result.code, 2);
    assert.match(
      result.stderr[0]!,
      /^provisioner settings: provisionerPrincipalId must be the provisioner's object id/,
    );
  });

  it("plans both examples into acyclic graphs", async () => {
    for (const example of ["staging.yaml", "minimal.yaml"]) {
      const text = readFileSync(join(ROOT, "examples", example), "utf8");
      const result = await run(["plan", example, "--json"], { [example]: text });
      assert.equal(result.code, 0, `${example}: ${result.stderr.join("\n")}`);
      const { plan } = JSON.parse(result.stdout.join("\n")) as { plan: Plan };
      assert.doesNotThrow(
        () => topologicalOrder(plan.nodes),
        (error: unknown) => isPlanGraphError(error),
      );
    }
  });
});
