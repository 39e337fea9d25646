/**
 * `envctl permissions` as a user sees it: a custom role definition on stdout (the exact actions for the
 * given specs, or every kind), the ABAC condition with `--condition`, exit 0; refused input (unreadable or
 * invalid specs, unknown options) on stderr with exit 2 and nothing on stdout.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runInMemory, type InMemoryRun } from "./in-memory-cli";
import { repositoryRoot } from "../support/repository-root";
import type { CustomRoleDefinition, RoleAssignmentCondition } from "../../lib/azure/permissions";
import { fullSpecDocument, specDocument } from "../spec/fixtures";

const ROOT = repositoryRoot(__dirname);
const run = (args: string[], files: Record<string, string> = {}) => runInMemory(args, files);

const role = (result: InMemoryRun) => JSON.parse(result.stdout.join("\n")) as CustomRoleDefinition;

const BASE_ONLY = JSON.stringify(specDocument([{ type: "base" }], { name: "dev" }));
const BASE_AND_DB = JSON.stringify(specDocument([{ type: "base" }, { type: "postgres", name: "db" }]));

describe("envctl permissions", () => {
  it("prints, without files, the role for every kind it can build, as az role definition create reads it", async () => {
    const result = await run(["permissions"]);
    assert.equal(result.code, 0, result.stderr.join("\n"));
    assert.deepEqual(result.stderr, []);
    const printed = role(result);
    assert.deepEqual(Object.keys(printed), [
      "Name",
      "IsCustom",
      "Description",
      "Actions",
      "NotActions",
      "DataActions",
      "NotDataActions",
      "AssignableScopes",
    ]);
    assert.equal(printed.Name, "Environment Provisioner");
    assert.equal(printed.IsCustom, true);
    assert.deepEqual(printed.NotActions, []);
    assert.deepEqual(printed.NotDataActions, []);
    assert.deepEqual(printed.AssignableScopes, ["/subscriptions/{subscriptionId}"]);
    assert.ok(printed.Actions.includes("Microsoft.Network/virtualNetworks/subnets/join/action"));
    assert.ok(printed.Actions.includes("Microsoft.KeyVault/locations/deletedVaults/purge/action"));
    assert.ok(printed.DataActions.includes("Microsoft.KeyVault/vaults/secrets/setSecret/action"));
    // Exact actions, never wildcards: the role is the list of what the code does.
    assert.ok([...printed.Actions, ...printed.DataActions].every((action) => !action.includes("*")));
  });

  it("prints, for a spec, only what that environment needs, and names it in the role", async () => {
    const result = await run(["permissions", "dev.json"], { "dev.json": BASE_ONLY });
    assert.equal(result.code, 0, result.stderr.join("\n"));
    const printed = role(result);
    assert.equal(printed.Name, "Environment Provisioner (acme-dev)");
    assert.ok(printed.Actions.includes("Microsoft.KeyVault/vaults/write"));
    assert.ok(!printed.Actions.some((action) => action.startsWith("Microsoft.ContainerService/")));
    assert.ok(!printed.Actions.some((action) => action.startsWith("Microsoft.Cache/")));
    assert.ok(!printed.DataActions.some((action) => action.startsWith("Microsoft.ContainerService/")));
  });

  it("prints, for several specs, the union, naming every environment", async () => {
    const result = await run(["permissions", "dev.json", "db.json"], {
      "dev.json": BASE_ONLY,
      "db.json": BASE_AND_DB,
    });
    assert.equal(result.code, 0, result.stderr.join("\n"));
    const printed = role(result);
    assert.equal(printed.Name, "Environment Provisioner (acme-dev, acme-staging)");
    assert.ok(printed.Actions.includes("Microsoft.DBforPostgreSQL/flexibleServers/write"));
    assert.deepEqual([...printed.Actions].sort(), [...new Set(printed.Actions)].sort(), "no duplicates");
  });

  it("needs, for a spec with every module, a cache on each engine and data modules with each auth, every action of every kind", async () => {
    const all = role(await run(["permissions"]));
    const document = fullSpecDocument() as { modules: unknown[] };
    const everything = JSON.stringify({
      ...document,
      modules: [
        ...document.modules,
        { type: "redis", name: "legacy", engine: "azure-cache-for-redis" },
        { type: "postgres", name: "entradb", auth: "entra" },
        { type: "redis", name: "entracache", auth: "entra" },
        { type: "storage", name: "files", containers: ["uploads"] },
        { type: "k8s-base" },
        { type: "external-ssl-cert", domain: "*.staging.example.com" },
        { type: "dns", domain: "staging.example.com" },
      ],
    });
    const full = role(await run(["permissions", "full.json"], { "full.json": everything }));
    assert.deepEqual(full.Actions, all.Actions);
    assert.deepEqual(full.DataActions, all.DataActions);
  });

  it("prints with --condition the ABAC condition for the roles the specs grant: to the provisioner, or to the environment's own identities", async () => {
    const all = await run(["permissions", "--condition"]);
    assert.equal(all.code, 0);
    const condition = JSON.parse(all.stdout.join("\n")) as RoleAssignmentCondition;
    // Key Vault Certificates Officer, AKS RBAC Cluster Admin, Key Vault Secrets Officer: to itself.
    assert.deepEqual(condition.roleDefinitionIds, [
      "a4417e6f-fecd-4de8-b567-7b0420556985",
      "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
      "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    ]);
    // Key Vault Secrets User (the ingress add-on's and the workload identity's), Network Contributor (the
    // cluster's), AcrPull (the kubelet identity's), Storage Blob Data Contributor (the workload identity's):
    // service principals.
    assert.deepEqual(condition.identityRoleDefinitionIds, [
      "4633458b-17de-408a-b874-0445c86b69e6",
      "4d97b98b-1d4f-4787-a291-c67834d212e7",
      "7f951dda-4ed3-4680-a7ca-43fe172d538d",
      "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    ]);
    assert.equal(condition.conditionVersion, "2.0");
    assert.match(condition.condition, /@Request\[Microsoft\.Authorization\/roleAssignments:PrincipalId\]/);
    assert.match(
      condition.condition,
      /\{4633458b-17de-408a-b874-0445c86b69e6, 4d97b98b-1d4f-4787-a291-c67834d212e7, 7f951dda-4ed3-4680-a7ca-43fe172d538d, ba92f5b4-2d11-453d-a403-e96b0029c9fe\} AND @Request\[Microsoft\.Authorization\/roleAssignments:PrincipalType\] ForAnyOfAnyValues:StringEqualsIgnoreCase \{'ServicePrincipal'\}/,
    );

    const noCluster = await run(["permissions", "--condition", "dev.json"], { "dev.json": BASE_ONLY });
    const vaultOnly = JSON.parse(noCluster.stdout.join("\n")) as RoleAssignmentCondition;
    assert.deepEqual(vaultOnly.roleDefinitionIds, ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"]);
    // No identity of its own gets a role: no clause lets any service principal receive one.
    assert.deepEqual(vaultOnly.identityRoleDefinitionIds, []);
    assert.doesNotMatch(vaultOnly.condition, /PrincipalType/);
  });

  it("refuses with exit 2 an unreadable or invalid spec, printing nothing on stdout", async () => {
    const missing = await run(["permissions", "missing.yaml"]);
    assert.equal(missing.code, 2);
    assert.deepEqual(missing.stdout, []);
    assert.deepEqual(missing.stderr, ["missing.yaml: 1 problem", "  cannot read missing.yaml: no such file"]);

    const invalid = JSON.stringify(specDocument([{ type: "base", vnet_cidr: "10.0.0.0/33" }]));
    const bad = await run(["permissions", "bad.json"], { "bad.json": invalid });
    assert.equal(bad.code, 2);
    assert.deepEqual(bad.stdout, []);
    assert.match(bad.stderr.join("\n"), /modules\[0\]\.vnet_cidr/);
  });

  it("refuses with exit 2 the whole set when one of several specs is invalid", async () => {
    const result = await run(["permissions", "dev.json", "missing.yaml"], { "dev.json": BASE_ONLY });
    assert.equal(result.code, 2);
    assert.deepEqual(result.stdout, [], "a role missing an environment's actions would be worse than none");
  });

  it("refuses with exit 2 an unknown option, showing the usage", async () => {
    const result = await run(["permissions", "--json"]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.at(-1), "usage: envctl permissions [FILE…] [--condition]");
  });

  it("answers --help with exit 0 on stdout, and is listed by envctl --help", async () => {
    const help = await run(["permissions", "--help"]);
    assert.equal(help.code, 0);
    assert.equal(help.stdout[0], "usage: envctl permissions [FILE…] [--condition]");
    const top = await run(["--help"]);
    assert.ok(top.stdout.some((line) => line.startsWith("  permissions")));
  });

  it("prints the role of examples/staging.yaml from the real program, exit 0", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", join(ROOT, "cli", "main.ts"), "permissions", "examples/staging.yaml"],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { PATH: process.env.PATH ?? "" } },
    );
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as CustomRoleDefinition;
    assert.equal(printed.Name, "Environment Provisioner (acme-staging)");
    assert.ok(printed.Actions.includes("Microsoft.Cache/redisEnterprise/databases/listKeys/action"));
  });
});
