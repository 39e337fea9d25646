/**
 * The HTTP API refuses, in one 400 answer and before any ARM write, a valid spec Azure would refuse
 * mid-build: a foreign tenant, a taken name, a missing quota, an unregistered provider, an unoffered
 * version, SKU or zone, a disabled subscription, a change Azure cannot make in place. A transient Azure
 * failure is a 503 with Retry-After, never a refusal; a provider being registered is reported as such.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ResourceManagementClient } from "@azure/arm-resources";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { StorageManagementClient } from "@azure/arm-storage";
import { EmulatorCredential } from "@azure-env-provisioner/azure-emulator";
import type { Plan } from "../../lib/plan/types";
import type { PreflightProblem, PreflightReport } from "../../lib/preflight/types";
import { waitFor } from "../support/wait-for";
import { EXAMPLE_SUBSCRIPTION_ID, startAppStack, type AppStack } from "./app-stack";
import { ALL_MODULES, TENANT_ID, nameOf, planOf, specDocument, writesFor } from "./preflight-specs";

let stack: AppStack;
before(async () => {
  stack = await startAppStack();
});
after(() => stack.stop());
beforeEach(() => {
  stack.emulator.admin.clearSubscriptionSettings();
  stack.emulator.admin.clearFaults();
});

const JSON_TYPE = { "content-type": "application/json" };

interface Refusal {
  title: string;
  detail: string;
  problems: PreflightProblem[];
  warnings: PreflightProblem[];
}

/** Posts `document`; returns the answer, its body and the plan it names. */
async function apply(document: ReturnType<typeof specDocument>) {
  const response = await stack.api("environments", {
    method: "POST",
    headers: JSON_TYPE,
    body: JSON.stringify(document),
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Posts a spec that must be refused: 400 problem+json, titled as preflight's, nothing started, no ARM
 * write for the environment. @returns the problems as `code path` lines
 */
async function refused(
  document: ReturnType<typeof specDocument>,
): Promise<{ found: string[]; refusal: Refusal }> {
  const plan = planOf(document);
  const since = Date.now();
  const { response, body } = await apply(document);
  assert.equal(response.status, 400, JSON.stringify(body));
  assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const refusal = body as unknown as Refusal;
  assert.equal(refusal.title, "Refused before the first write");
  assert.match(refusal.detail, /nothing was written or started/);
  assert.deepEqual(writesFor(stack.emulator, plan, since), [], "no ARM write");
  assert.equal(await stack.instanceStatus(plan.environmentId), undefined, "nothing started");
  assert.equal((await stack.api(`environments/${plan.environmentId}`)).status, 404, "nothing recorded");
  return { found: refusal.problems.map((p) => `${p.code} ${p.path}`), refusal };
}

/** ARM clients of the test itself, to arrange Azure's state (another subscription's vault, …). */
function arrange(subscriptionId: string) {
  const options = {
    endpoint: stack.emulator.armEndpoint,
    credentialScopes: ["https://management.azure.com/.default"],
    credentials: { scopes: ["https://management.azure.com/.default"] },
    tlsOptions: { ca: stack.emulator.caCertPem },
  };
  const credential = new EmulatorCredential();
  return {
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    keyVault: new KeyVaultManagementClient(credential, subscriptionId, options),
    containerRegistry: new ContainerRegistryManagementClient(credential, subscriptionId, options),
    storage: new StorageManagementClient(credential, subscriptionId, options),
  };
}

/** Runs `work` with the emulator at test speed (the stack runs at Azure's pace). */
async function quickly<T>(work: () => Promise<T>): Promise<T> {
  const scale = stack.emulator.admin.timeScale();
  stack.emulator.admin.setTimeScale(0.0001);
  try {
    return await work();
  } finally {
    stack.emulator.admin.setTimeScale(scale);
  }
}

/** Creates then deletes (soft-deletes) a vault named as `plan`'s, in `subscriptionId`. */
async function softDeletedVault(plan: Plan, subscriptionId: string): Promise<void> {
  const { resources, keyVault } = arrange(subscriptionId);
  await resources.resourceGroups.createOrUpdate("rg-elsewhere", { location: "eastus2" });
  const name = nameOf(plan, "keyVault");
  // The stack runs at Azure's pace (a vault takes two minutes): arrange this one faster.
  await quickly(async () => {
    await keyVault.vaults
      .createOrUpdate("rg-elsewhere", name, {
        location: "eastus2",
        properties: {
          tenantId: TENANT_ID,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
        },
      })
      .submitted();
    await waitFor("the vault", async () => {
      const vault = await keyVault.vaults.get("rg-elsewhere", name).catch(() => undefined);
      return vault?.properties.provisioningState === "Succeeded" ? vault : undefined;
    });
    await keyVault.vaults.delete("rg-elsewhere", name);
  });
}

describe("preflight at the HTTP API", () => {
  test("fails a spec whose tenant is not the provisioner's credential's, before any write", async () => {
    const { found, refusal } = await refused(
      specDocument("tenant", [{ type: "base" }], { tenantId: "abcd0000-0000-4000-8000-000000000009" }),
    );
    assert.deepEqual(found, ["TenantMismatch providers.azurerm.tenant_id"]);
    assert.match(refusal.problems[0]!.message, /AKV10032/);
  });

  test("fails a spec whose Key Vault, PostgreSQL or Azure Cache for Redis name is taken elsewhere, before any write", async () => {
    const document = specDocument("taken", [
      { type: "base" },
      { type: "postgres", name: "db" },
      { type: "redis", name: "cache", engine: "azure-cache-for-redis" },
    ]);
    const plan = planOf(document);
    stack.emulator.admin.configureSubscriptions({
      takenNames: [
        { type: "Microsoft.KeyVault/vaults", name: nameOf(plan, "keyVault") },
        { type: "Microsoft.DBforPostgreSQL/flexibleServers", name: nameOf(plan, "postgresFlexibleServer") },
        { type: "Microsoft.Cache/redis", name: nameOf(plan, "redisCache") },
      ],
    });
    const { found } = await refused(document);
    assert.deepEqual(found, [
      "NameUnavailable modules[0]",
      "NameUnavailable modules[1]",
      "NameUnavailable modules[2]",
    ]);
  });

  test("fails a spec whose vault name a soft-deleted vault of another subscription holds, before any write", async () => {
    const document = specDocument("held", [{ type: "base" }]);
    await softDeletedVault(planOf(document), "0f0f0f0f-0000-4000-8000-000000000009");
    const { found } = await refused(document);
    assert.deepEqual(found, ["NameUnavailable modules[0]"]);
  });

  test("fails a spec whose container registry or storage account name someone else's resources hold in another resource group, before any write", async () => {
    const document = specDocument("elsewhere", [{ type: "base" }, { type: "storage", name: "files" }]);
    const plan = planOf(document);
    const [registry, account] = [nameOf(plan, "containerRegistry"), nameOf(plan, "storageAccount")];
    const { resources, containerRegistry, storage } = arrange(EXAMPLE_SUBSCRIPTION_ID);
    await quickly(async () => {
      await resources.resourceGroups.createOrUpdate("rg-someone-else", { location: "eastus2" });
      await containerRegistry.registries.create("rg-someone-else", registry, {
        location: "eastus2",
        sku: { name: "Premium" },
      });
      await storage.storageAccounts.create("rg-someone-else", account, {
        location: "eastus2",
        sku: { name: "Standard_LRS" },
        kind: "StorageV2",
      });
    });
    const { found, refusal } = await refused(document);
    assert.deepEqual(found, ["NameUnavailable modules[0]", "NameUnavailable modules[1]"]);
    const [registryProblem, accountProblem] = refusal.problems.map((p) => p.message);
    assert.match(
      registryProblem!,
      new RegExp(`^module base: the container registry name ${registry} is taken`),
    );
    assert.match(registryProblem!, /\(AlreadyExists: The registry \w+ is already in use\.\)/);
    assert.match(registryProblem!, /change the environment's name \(elsewhere\) or org_name \(acme\)$/);
    assert.match(accountProblem!, new RegExp(`^module files: the storage account name ${account} is taken`));
    assert.match(accountProblem!, /\(AlreadyExists: The storage account named \w+ is already taken\.\)/);
    assert.match(accountProblem!, /rename module files/);
  });

  test("fails a cluster the region's vCPU quota cannot hold at max_nodes, before any write", async () => {
    stack.emulator.admin.configureSubscriptions({
      quotas: { [EXAMPLE_SUBSCRIPTION_ID]: { eastus2: { standardDSv5Family: { limit: 20 } } } },
    });
    // 6 nodes × 4 vCPUs of Standard_D4s_v5 (the default size) need 24.
    const { found, refusal } = await refused(specDocument("quota", ALL_MODULES));
    assert.deepEqual(found, ["QuotaExceeded modules[1].max_nodes"]);
    assert.match(
      refusal.problems[0]!.message,
      /needs 24 more standardDSv5Family vCPUs in eastus2; 20 of 20 are left/,
    );
  });

  test("fails a public IP over the region's quota, before any write", async () => {
    stack.emulator.admin.configureSubscriptions({
      quotas: {
        [EXAMPLE_SUBSCRIPTION_ID]: { eastus2: { PublicIPAddresses: { limit: 3, currentValue: 3 } } },
      },
    });
    const { found } = await refused(specDocument("ips", [{ type: "base" }]));
    assert.deepEqual(found, ["QuotaExceeded modules[0]"]);
  });

  test("fails a spec needing a provider that is not registered and that the provisioner may not register", async () => {
    stack.emulator.admin.configureSubscriptions({
      providers: { [EXAMPLE_SUBSCRIPTION_ID]: { "Microsoft.Cache": "NotRegistered" } },
      permissions: { [EXAMPLE_SUBSCRIPTION_ID]: [{ actions: ["*"], notActions: ["*/register/action"] }] },
    });
    const { found, refusal } = await refused(
      specDocument("unregistered", [{ type: "base" }, { type: "redis", name: "cache" }]),
    );
    assert.deepEqual(found, ["ProviderNotRegistered modules[1]"]);
    assert.match(refusal.problems[0]!.message, /az provider register --namespace Microsoft\.Cache/);
  });

  test("fails a Kubernetes version, a VM size in a zone, a PostgreSQL SKU and version the region does not offer", async () => {
    stack.emulator.admin.configureSubscriptions({
      withdrawn: {
        kubernetesVersions: [{ location: "eastus2", version: "1.35" }],
        vmSizes: [{ location: "eastus2", name: "Standard_D4s_v5", zones: ["3"] }],
        postgresSkus: [{ location: "eastus2", name: "Standard_D2ds_v5" }],
        postgresVersions: [{ location: "eastus2", version: "17" }],
      },
    });
    const { found } = await refused(specDocument("offers", ALL_MODULES));
    assert.deepEqual(found.sort(), [
      "KubernetesVersionNotOffered modules[1].kubernetes_version",
      "PostgresSkuNotOffered modules[2].sku_name",
      "PostgresVersionNotOffered modules[2].engine_version",
      "VmSizeNotOfferedInZones modules[1].zones",
    ]);
  });

  test("fails an Azure Managed Redis cache (the default engine) in a region that does not offer it, before any write", async () => {
    stack.emulator.admin.configureSubscriptions({
      withdrawn: { resourceTypes: [{ location: "eastus2", type: "Microsoft.Cache/redisEnterprise" }] },
    });
    const document = specDocument("amr", [{ type: "base" }, { type: "redis", name: "cache" }]);
    assert.ok(planOf(document).nodes.some((node) => node.kind === "managedRedisCluster"));
    const { found, refusal } = await refused(document);
    assert.deepEqual(found, ["ManagedRedisNotOffered modules[1]"]);
    assert.match(refusal.problems[0]!.message, /not offered to this subscription in eastus2/);
    assert.match(refusal.problems[0]!.message, /engine: azure-cache-for-redis/);
  });

  test("passes Azure Cache for Redis in a region where only Azure Managed Redis is withdrawn", async () => {
    stack.emulator.admin.configureSubscriptions({
      withdrawn: { resourceTypes: [{ location: "eastus2", type: "Microsoft.Cache/redisEnterprise" }] },
    });
    const document = specDocument("acr", [
      { type: "base" },
      { type: "redis", name: "cache", engine: "azure-cache-for-redis" },
    ]);
    // The plan preview runs the same preflight and starts nothing.
    const response = await stack.api(`environments/${planOf(document).environmentId}/plan`, {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify(document),
    });
    const body = (await response.json()) as { preflight: PreflightReport };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual([body.preflight.outcome, body.preflight.problems], ["passed", []]);
  });

  test("fails a spec for a disabled subscription, before any write", async () => {
    stack.emulator.admin.configureSubscriptions({
      subscriptions: { [EXAMPLE_SUBSCRIPTION_ID]: { state: "Disabled" } },
    });
    const { found } = await refused(specDocument("disabled", [{ type: "base" }]));
    assert.deepEqual(found, ["SubscriptionNotEnabled providers.azurerm.subscription_id"]);
  });

  test("fails a spec for a subscription of another tenant, before any write", async () => {
    stack.emulator.admin.configureSubscriptions({
      subscriptions: { [EXAMPLE_SUBSCRIPTION_ID]: { tenantId: "abcdabcd-0000-4000-8000-000000000009" } },
    });
    const { found } = await refused(specDocument("moved", [{ type: "base" }]));
    assert.deepEqual(found, ["InvalidAuthenticationTokenTenant providers.azurerm.subscription_id"]);
  });

  test("reports every problem at once: a foreign tenant, a taken name, a missing quota, an unoffered version and cache", async () => {
    const document = specDocument("everything", ALL_MODULES, {
      tenantId: "abcdabcd-0000-4000-8000-000000000009",
    });
    stack.emulator.admin.configureSubscriptions({
      takenNames: [
        {
          type: "Microsoft.DBforPostgreSQL/flexibleServers",
          name: nameOf(planOf(document), "postgresFlexibleServer"),
        },
      ],
      quotas: { [EXAMPLE_SUBSCRIPTION_ID]: { eastus2: { cores: { limit: 10 } } } },
      withdrawn: {
        kubernetesVersions: [{ location: "eastus2", version: "1.35" }],
        resourceTypes: [{ location: "eastus2", type: "Microsoft.Cache/redisEnterprise" }],
      },
    });
    const { found } = await refused(document);
    assert.deepEqual(found.sort(), [
      "KubernetesVersionNotOffered modules[1].kubernetes_version",
      "ManagedRedisNotOffered modules[3]",
      "NameUnavailable modules[2]",
      "QuotaExceeded modules[1].max_nodes",
      "TenantMismatch providers.azurerm.tenant_id",
    ]);
  });

  test("fails a re-apply whose resource group would have to move region, before any write", async () => {
    const document = specDocument("relocated", [{ type: "base" }]);
    await arrange(EXAMPLE_SUBSCRIPTION_ID).resources.resourceGroups.createOrUpdate(
      planOf(document).resourceGroup,
      {
        location: "westus2",
      },
    );
    const { found, refusal } = await refused(document);
    assert.deepEqual(found, ["ChangeBlocked modules[0]"]);
    assert.match(refusal.problems[0]!.message, /location: cannot change after creation/);
  });

  test("answers a transient Azure failure with 503 and Retry-After, refusing nothing and writing nothing", async () => {
    const document = specDocument("flaky", [{ type: "base" }]);
    const plan = planOf(document);
    // Every read of the subscription fails for a while (the SDK's own retries included).
    stack.emulator.admin.addFaults([
      {
        match: { method: "GET", path: `^/subscriptions/${EXAMPLE_SUBSCRIPTION_ID}$` },
        times: 3,
        effect: { kind: "http", status: 503, retryAfterSec: 1 },
      },
    ]);
    const since = Date.now();
    const { response, body } = await apply(document);
    assert.equal(response.status, 503, JSON.stringify(body));
    assert.ok(Number(response.headers.get("retry-after")) >= 1);
    assert.equal((body as { title: string }).title, "Preflight could not finish");
    assert.equal((body as { problems?: unknown }).problems, undefined, "nothing is refused");
    assert.deepEqual(writesFor(stack.emulator, plan, since), []);
    assert.equal(await stack.instanceStatus(plan.environmentId), undefined);
    // The same request once Azure answers again.
    const again = await apply(document);
    assert.equal(again.response.status, 202, JSON.stringify(again.body));
  });

  test("registers a provider it may register, answers 503 registering, then accepts the same request", async () => {
    stack.emulator.admin.configureSubscriptions({
      providers: { [EXAMPLE_SUBSCRIPTION_ID]: { "Microsoft.Cache": "NotRegistered" } },
    });
    const document = specDocument("registering", [{ type: "base" }, { type: "redis", name: "cache" }]);
    const plan = planOf(document);
    const scale = stack.emulator.admin.timeScale();
    stack.emulator.admin.setTimeScale(0.01);
    try {
      const since = Date.now();
      const { response, body } = await apply(document);
      assert.equal(response.status, 503, JSON.stringify(body));
      const deferred = (body as { deferred: PreflightProblem[] }).deferred;
      assert.deepEqual(
        deferred.map((d) => `${d.code} ${d.path}`),
        ["ProviderRegistering modules[1]"],
      );
      // Its one write: the registration.
      assert.deepEqual(writesFor(stack.emulator, plan, since), [
        `POST /subscriptions/${EXAMPLE_SUBSCRIPTION_ID}/providers/Microsoft.Cache/register`,
      ]);
      await new Promise((resolve) => setTimeout(resolve, 60_000 * 0.01 + 200));
      const again = await apply(document);
      assert.equal(again.response.status, 202, JSON.stringify(again.body));
    } finally {
      stack.emulator.admin.setTimeScale(scale);
    }
  });

  test("accepts a spec whose soft-deleted vault of this subscription the build recovers, saying so", async () => {
    const document = specDocument("recovered", [{ type: "base" }]);
    await softDeletedVault(planOf(document), EXAMPLE_SUBSCRIPTION_ID);
    const { response, body } = await apply(document);
    assert.equal(response.status, 202, JSON.stringify(body));
    const warnings = (body as { warnings: PreflightProblem[] }).warnings;
    assert.ok(
      warnings.some((w) => w.code === "SoftDeletedVaultRecovered" && w.path === "modules[0]"),
      JSON.stringify(warnings),
    );
  });

  test("answers 409 to a second apply while the build runs, before preflight reads what the build is changing", async () => {
    const document = specDocument("running", [{ type: "base" }]);
    const vault = nameOf(planOf(document), "keyVault");
    const vaultPut = (entry: { method: string; path: string; status: number }) =>
      entry.method === "PUT" && entry.path.endsWith(`/vaults/${vault}`) && entry.status === 429;
    // The build keeps retrying its vault's create, throttled, so the vault does not exist yet.
    stack.emulator.admin.addFaults([
      {
        match: { method: "PUT", path: `/vaults/${vault}$` },
        effect: { kind: "http", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSec: 1 },
      },
    ]);
    const first = await apply(document);
    assert.equal(first.response.status, 202, JSON.stringify(first.body));
    await waitFor("the build's first try of its vault", async () =>
      stack.emulator.admin.requestLog().find(vaultPut),
    );
    // What Azure's name check answers the moment the build's vault exists, before a plan preview sees
    // it in the resource group: taken.
    stack.emulator.admin.configureSubscriptions({
      takenNames: [{ type: "Microsoft.KeyVault/vaults", name: vault }],
    });
    const second = await apply(document);
    assert.equal(second.response.status, 409, JSON.stringify(second.body));
    assert.equal(second.body.title, "Environment busy");
    assert.match(String(second.body.detail), /^an apply of "acme-running" is running since /);
  });

  test("shows preflight's findings in the plan preview, refused or not", async () => {
    stack.emulator.admin.configureSubscriptions({
      withdrawn: { kubernetesVersions: [{ location: "eastus2", version: "1.35" }] },
    });
    const response = await stack.api("environments/acme-preview/plan", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify(specDocument("preview", ALL_MODULES)),
    });
    assert.equal(response.status, 200);
    const preview = (await response.json()) as {
      preflight: PreflightReport;
      changes: Record<string, number>;
    };
    assert.equal(preview.preflight.outcome, "refused");
    assert.deepEqual(
      preview.preflight.problems.map((p) => `${p.code} ${p.path}`),
      ["KubernetesVersionNotOffered modules[1].kubernetes_version"],
    );
    assert.ok(preview.changes.create > 0);
  });
});
