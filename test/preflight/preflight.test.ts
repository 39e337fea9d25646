/**
 * Preflight with the real SDK clients over real HTTP against the emulator: what it reads (counted, and
 * equal to what the emulator saw), what its cache spares, that it passes specs Azure would build and
 * writes nothing, and — on a re-apply of a built environment — that it refuses the changes Azure cannot
 * make in place before anything is written.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { DEFAULT_EMULATOR_PRINCIPAL_ID } from "@azure-env-provisioner/azure-emulator";
import { createArmSteps } from "../../activities/arm-step";
import { isArmNodeKind } from "../../activities/adapters/table";
import { createProvisioningActivities } from "../../activities/provisioning";
import { runPreflight } from "../../functions/preflight";
import { planEnvironment } from "../../lib/plan";
import { adminPasswordSecretFor } from "../../lib/plan/secrets";
import { factsFor, type FactsByNode } from "../../lib/plan/facts";
import type { Plan } from "../../lib/plan/types";
import { PreflightCache } from "../../lib/preflight/cache";
import { providerNamespacesOf } from "../../lib/preflight/context";
import type { EnvironmentSpec } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import {
  expectWrite,
  startFixture,
  waitForOperation,
  type EmulatorFixture,
} from "../activities/emulator-fixture";
import { writesAmong } from "./arm-writes";

const PROJECT_ROOT = __dirname.split(sep).includes("dist")
  ? join(__dirname, "..", "..", "..")
  : join(__dirname, "..", "..");
const STAGING = readFileSync(join(PROJECT_ROOT, "examples", "staging.yaml"), "utf8");

/** The staging example, edited, validated and planned as the app would (the emulator's principal). */
function target(edit: (text: string) => string = (text) => text) {
  const validation = validateSpec(edit(STAGING));
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  const plan = planEnvironment(validation.spec, {
    provisionerPrincipalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
  return { spec: validation.spec, plan, modulePaths: validation.modulePaths! };
}

/**
 * The reads of a first preflight of a new environment, by what they are for: the subscription, its
 * resource group (absent: no resource of the plan can exist, so no other live read), the caller's
 * permissions, each provider namespace, each global name (Key Vault, PostgreSQL, Azure Cache for Redis,
 * container registry, storage account; a Key Vault also looks for a soft-deleted vault of its own; Azure
 * Managed Redis has no name check), and per region the Kubernetes versions, VM SKUs and
 * compute usages (with a cluster), the PostgreSQL capabilities (with a server) and the network usages (with
 * a public IP to create). Where Azure Managed Redis is offered comes with the `Microsoft.Cache` provider read.
 */
function firstPreflightReads(plan: Plan): number {
  const count = (kind: string) => plan.nodes.filter((node) => node.kind === kind).length;
  return (
    3 +
    providerNamespacesOf(plan).length +
    2 * count("keyVault") +
    count("postgresFlexibleServer") +
    count("redisCache") +
    count("containerRegistry") +
    count("storageAccount") +
    3 * count("managedCluster") +
    (count("postgresFlexibleServer") > 0 ? 1 : 0) +
    (count("publicIpAddress") > 0 ? 1 : 0)
  );
}

describe("preflight against the emulator", () => {
  const staging = target();
  let fixture: EmulatorFixture;
  const cache = new PreflightCache();
  const preflight = (t: { spec: EnvironmentSpec; plan: Plan; modulePaths?: Record<string, string> }) =>
    runPreflight(t, { clients: fixture.clients, cache });

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: staging.plan.subscriptionId });
  });
  after(async () => fixture?.stop());

  it("passes the staging example in 20 reads (the emulator saw exactly those), writing nothing", async () => {
    const before = fixture.emulator.admin.requestLog().length;
    const { report, nodes } = await preflight(staging);
    assert.deepEqual([report.outcome, report.problems, report.deferred], ["passed", [], []]);
    assert.equal(report.requests.reads, firstPreflightReads(staging.plan));
    assert.equal(report.requests.reads, 20);
    const seen = fixture.emulator.admin.requestLog().slice(before);
    assert.equal(seen.length, report.requests.reads, seen.map((e) => `${e.method} ${e.path}`).join("\n"));
    assert.deepEqual(writesAmong(seen), []);
    assert.ok(nodes.filter((n) => isArmNodeKind(n.kind)).every((n) => n.change === "create"));
  });

  it("reads 7 for another environment in the same subscription and region: what does not change is cached", async () => {
    const other = target((text) => text.replace(/^name: staging$/m, "name: qa"));
    const before = fixture.emulator.admin.requestLog().length;
    const { report } = await preflight(other);
    assert.equal(report.outcome, "passed", JSON.stringify(report.problems));
    // Still read: the resource group, the names (two for the vault, one each for the server and the
    // registry) and both usages;
    // from the cache: the subscription, permissions, providers (with where Managed Redis is offered),
    // Kubernetes versions, VM SKUs, PostgreSQL capabilities.
    assert.equal(report.requests.reads, 7);
    assert.equal(fixture.emulator.admin.requestLog().length - before, 7);
  });

  it("refuses a container registry and a storage account whose names another resource group holds, before any write", async () => {
    const taken = target((text) =>
      text.replace(/^name: staging$/m, "name: taken").concat("  - type: storage\n    name: files\n"),
    );
    const registry = taken.plan.nodes.find((n) => n.kind === "containerRegistry")!;
    const account = taken.plan.nodes.find((n) => n.kind === "storageAccount")!;
    // Someone else's resources with those names, in another resource group of the same subscription.
    const elsewhere = "rg-someone-else";
    await fixture.clients.resources.resourceGroups.createOrUpdate(elsewhere, { location: "eastus2" });
    await fixture.clients.containerRegistry.registries.create(elsewhere, registry.name, {
      location: "eastus2",
      sku: { name: "Premium" },
    });
    await fixture.clients.storage.storageAccounts.create(elsewhere, account.name, {
      location: "eastus2",
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
    });
    const before = fixture.emulator.admin.requestLog().length;
    const { report } = await preflight(taken);
    assert.equal(report.outcome, "refused");
    const names = report.problems.filter((p) => p.check === "names");
    const [base, files] = ["base", "files"].map((name) => taken.modulePaths[name]);
    assert.deepEqual(
      names.map((p) => [p.code, p.path]),
      [
        ["NameUnavailable", base],
        ["NameUnavailable", files],
      ],
    );
    assert.match(
      names[0]!.message,
      new RegExp(
        `^module base: the container registry name ${registry.name} is taken by another resource outside this environment .*\\(AlreadyExists: The registry ${registry.name} is already in use\\.\\).*change the environment's name \\(taken\\) or org_name \\(acme\\)$`,
      ),
    );
    assert.match(
      names[1]!.message,
      new RegExp(
        `^module files: the storage account name ${account.name} is taken .*\\(AlreadyExists: The storage account named ${account.name} is already taken\\.\\).*rename module files`,
      ),
    );
    assert.deepEqual(writesAmong(fixture.emulator.admin.requestLog().slice(before)), []);
  });

  describe("on a re-apply of the built environment", () => {
    before(async () => {
      // Built with 64 GiB of PostgreSQL storage, so a spec asking for less would shrink it.
      const built = target((text) =>
        text.replace(/(type: postgres\n(?:.*\n)*?\s+name: db\n)/, "$1    storage_gb: 64\n"),
      );
      assert.ok(
        built.plan.nodes.some(
          (n) =>
            n.kind === "postgresFlexibleServer" && JSON.stringify(n.desired).includes('"storageSizeGB":64'),
        ),
      );
      const activities = createProvisioningActivities(fixture.clients);
      const steps = createArmSteps(fixture.clients);
      // The facts nodes report, for those that refer to them (the kubelet identity's AcrPull).
      const facts: Record<string, FactsByNode[string]> = {};
      for (const node of built.plan.nodes) {
        const result = await activities.ensureNode({
          node,
          adminPasswordSecret: adminPasswordSecretFor(built.plan.nodes, node),
          facts: factsFor(node, facts),
        });
        const write = expectWrite(result, node.key);
        const end = await waitForOperation(steps, write);
        if (end) assert.equal(end.outcome, "succeeded", `${node.key}: ${JSON.stringify(end)}`);
        const reported =
          end?.outcome === "succeeded" ? end.facts : write.outcome === "pending" ? undefined : write.facts;
        if (reported) facts[node.key] = reported;
      }
    });

    it("passes the spec it was built from, asking no global name: one read for the group, one per ARM resource, one for the permissions", async () => {
      const built = target((text) =>
        text.replace(/(type: postgres\n(?:.*\n)*?\s+name: db\n)/, "$1    storage_gb: 64\n"),
      );
      const before = fixture.emulator.admin.requestLog().length;
      const { report, nodes } = await preflight(built);
      assert.equal(report.outcome, "passed", JSON.stringify(report));
      const armNodes = built.plan.nodes.filter((n) => isArmNodeKind(n.kind)).length;
      assert.equal(report.requests.reads, 2 + armNodes);
      const seen = fixture.emulator.admin.requestLog().slice(before);
      assert.equal(seen.length, report.requests.reads);
      // Its resources hold their own global names: none is asked about.
      assert.deepEqual(
        seen.filter((e) => /checkNameAvailability$/i.test(e.path)).map((e) => e.path),
        [],
      );
      assert.ok(nodes.filter((n) => isArmNodeKind(n.kind)).every((n) => n.change === "unchanged"));
    });

    it("refuses, before any write, the zones of the cluster, a PostgreSQL storage shrink and a subnet range in use", async () => {
      const changed = target((text) =>
        text
          .replace(/zones: \[1, 2, 3\]|max_nodes: 6/, (match) =>
            match.startsWith("zones") ? "zones: [1, 2]" : `${match}\n    zones: [1, 2]`,
          )
          .replace(/- type: base\n/, "- type: base\n    private_endpoints_subnet_cidr: 10.0.70.0/24\n"),
      );
      const before = fixture.emulator.admin.requestLog().length;
      const { report } = await preflight(changed);
      assert.equal(report.outcome, "refused");
      const found = report.problems.map((p) => [p.code, p.path]);
      const [base, cluster, db] = ["base", "k8s-cluster", "db"].map((name) => changed.modulePaths[name]);
      for (const expected of [
        ["ChangeBlocked", cluster],
        ["ChangeBlocked", db],
        ["ChangeBlocked", `${base}.private_endpoints_subnet_cidr`],
      ]) {
        assert.ok(
          found.some(([code, path]) => code === expected[0] && path === expected[1]),
          JSON.stringify(found),
        );
      }
      assert.match(JSON.stringify(report.problems), /never shrink/);
      assert.deepEqual(writesAmong(fixture.emulator.admin.requestLog().slice(before)), []);
    });
  });
});
