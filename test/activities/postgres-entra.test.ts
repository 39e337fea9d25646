/**
 * A PostgreSQL server with `auth: entra` through the activities, against the emulator with the real SDK
 * clients: Entra authentication on and passwords off, no administrator login and no password generated
 * or stored, the environment's workload identity made the server's Entra administrator (named by the
 * object id its ensure reported), and the connection facts clients need with a token — host, port,
 * database, the identity's name as user, the TLS mode — in Key Vault and the Kubernetes Secret.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_EMULATOR_PRINCIPAL_ID,
  DEFAULT_EMULATOR_TENANT_ID,
} from "@azure-env-provisioner/azure-emulator";
import { createProvisioningActivities } from "../../activities/provisioning";
import { isActivityFailure } from "../../activities/contract";
import { planEnvironment } from "../../lib/plan";
import type { KeyVaultSecretsDesired, KubernetesSecretDesired, Plan, PlanNode } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument, SUBSCRIPTION_ID } from "../spec/fixtures";
import { createArmSteps, IMMUTABLE_PROPERTY_CODE } from "../../activities/arm-step";
import { isAzureError } from "../../lib/azure/errors";
import {
  applyPlan,
  startFixture,
  waitForOperation,
  type AppliedPlan,
  type EmulatorFixture,
} from "./emulator-fixture";

interface StoredResource {
  id: string;
  type: string;
  name: string;
  parentId?: string;
  properties: Record<string, unknown>;
}

function planOf(environment: string, auth?: string): Plan {
  // The emulator's tenant: its Key Vault refuses tokens of another.
  const providers = {
    azurerm: { location: "eastus2", tenant_id: DEFAULT_EMULATOR_TENANT_ID, subscription_id: SUBSCRIPTION_ID },
  };
  const validation = validateSpec(
    specDocument(
      [
        { type: "base" },
        { type: "k8s-cluster" },
        { type: "postgres", name: "db", ...(auth ? { auth } : {}) },
      ],
      { name: environment, providers },
    ),
  );
  assert.ok(validation.ok, JSON.stringify(!validation.ok && validation.problems));
  return planEnvironment(validation.spec, {
    provisionerPrincipalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}

const entraPlan = () => planOf("pg-entra", "entra");

const nodeOf = (plan: Plan, kind: PlanNode["kind"]): PlanNode => {
  const node = plan.nodes.find((candidate) => candidate.kind === kind);
  assert.ok(node, `the plan has a ${kind}`);
  return node;
};

describe("PostgreSQL with auth: entra through the activities", () => {
  const plan = entraPlan();
  let fixture: EmulatorFixture;
  let applied: AppliedPlan;

  const resources = () => (fixture.emulator.admin.state() as { resources: StoredResource[] }).resources;
  const stored = (id: string): StoredResource => {
    const found = resources().find((resource) => resource.id.toLowerCase() === id.toLowerCase());
    assert.ok(found, `${id} exists in the emulator`);
    return found;
  };
  const administrators = () =>
    resources().filter(
      (resource) => resource.type === "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
    );
  const principalId = () => applied.facts[nodeOf(plan, "userAssignedIdentity").key]?.principalId ?? "";

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: SUBSCRIPTION_ID });
    applied = await applyPlan(fixture, plan);
  });
  after(async () => fixture?.stop());

  it("creates the server with Entra authentication on, passwords off, the tenant named and no administrator login", () => {
    const server = stored(nodeOf(plan, "postgresFlexibleServer").id);
    assert.deepEqual(server.properties.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Disabled",
      tenantId: DEFAULT_EMULATOR_TENANT_ID,
    });
    assert.equal(server.properties.administratorLogin, undefined);
  });

  it("makes the workload identity the server's Entra administrator, named by its object id, as a service principal", () => {
    const identity = nodeOf(plan, "userAssignedIdentity");
    const server = nodeOf(plan, "postgresFlexibleServer");
    assert.match(principalId(), /^[0-9a-f-]{36}$/);
    const [administrator, ...others] = administrators();
    assert.deepEqual(others, []);
    assert.equal(
      administrator?.id.toLowerCase(),
      `${server.id}/administrators/${principalId()}`.toLowerCase(),
    );
    assert.equal(administrator?.properties.principalType, "ServicePrincipal");
    assert.equal(administrator?.properties.principalName, identity.name);
    assert.equal(administrator?.properties.objectId, principalId());
    assert.equal(administrator?.properties.tenantId, DEFAULT_EMULATOR_TENANT_ID);
  });

  it("writes host, port, database, the identity's name as user and the TLS mode to Key Vault, and no password", async () => {
    const secrets = nodeOf(plan, "keyVaultSecrets").desired as unknown as KeyVaultSecretsDesired;
    assert.deepEqual(Object.keys(secrets.secretNames).sort(), [
      "db_db_host",
      "db_db_name",
      "db_db_port",
      "db_db_sslmode",
      "db_db_user",
    ]);
    const vault = await fixture.clients.secretClientForVault(secrets.vaultId);
    const value = async (name: string) => (await vault.getSecret(name)).value;
    assert.equal(await value("db-db-user"), nodeOf(plan, "userAssignedIdentity").name);
    assert.equal(await value("db-db-port"), "5432");
    assert.equal(await value("db-db-name"), "main");
    assert.equal(await value("db-db-sslmode"), "require");
    assert.match((await value("db-db-host")) ?? "", /\.postgres\.database\.azure\.com$/);
    const names: string[] = [];
    for await (const properties of vault.listPropertiesOfSecrets()) names.push(properties.name);
    assert.deepEqual(
      names.filter((name) => /password/i.test(name)),
      [],
    );
  });

  it("puts the same keys in the Kubernetes Secret, none of them a password", () => {
    const secret = nodeOf(plan, "kubernetesSecret").desired as unknown as KubernetesSecretDesired;
    assert.deepEqual(Object.keys(secret.keys).sort(), [
      "db_db_host",
      "db_db_name",
      "db_db_port",
      "db_db_sslmode",
      "db_db_user",
    ]);
  });

  it("applies the plan again without a write", async () => {
    const again = await applyPlan(fixture, plan);
    assert.deepEqual(
      again.outcomes.filter((outcome) => !outcome.endsWith(":unchanged")),
      [],
    );
  });

  it("removes the administrator without its facts (a delete has none), finding it by the principal's name", async () => {
    const activities = createProvisioningActivities(fixture.clients);
    const result = await activities.deleteNode({ node: nodeOf(plan, "postgresEntraAdministrator") });
    assert.ok(!isActivityFailure(result), JSON.stringify(result));
    assert.equal(result.action, "delete");
    const end = await waitForOperation(createArmSteps(fixture.clients), result);
    assert.equal(end?.outcome ?? result.outcome, "succeeded", JSON.stringify(end ?? result));
    assert.deepEqual(administrators(), []);
  });
});

describe("an existing PostgreSQL server switched from passwords to auth: entra", () => {
  const before_ = planOf("pg-switch");
  const after_ = planOf("pg-switch", "entra");
  let fixture: EmulatorFixture;
  let applied: AppliedPlan;

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: SUBSCRIPTION_ID });
    await applyPlan(fixture, before_);
    applied = await applyPlan(fixture, after_);
  });
  after(async () => fixture?.stop());

  it("updates the server in place (Entra on, passwords off) and adds the workload identity as its administrator", () => {
    const server = nodeOf(after_, "postgresFlexibleServer");
    assert.equal(server.id, nodeOf(before_, "postgresFlexibleServer").id, "the same server");
    assert.ok(
      applied.outcomes.some((o) => o.startsWith(`${server.key}:`) && !o.endsWith(":unchanged")),
      "the server was written",
    );
    const state = (fixture.emulator.admin.state() as { resources: StoredResource[] }).resources;
    const stored = state.find((resource) => resource.id.toLowerCase() === server.id.toLowerCase());
    assert.deepEqual(stored?.properties.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Disabled",
      tenantId: DEFAULT_EMULATOR_TENANT_ID,
    });
    const administrators = state.filter(
      (resource) => resource.type === "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
    );
    const principalId = applied.facts[nodeOf(after_, "userAssignedIdentity").key]?.principalId;
    assert.deepEqual(
      administrators.map((administrator) => administrator.properties.objectId),
      [principalId],
    );
  });

  it("writes the identity's name as the user; the Kubernetes Secret no longer holds a password", async () => {
    const secrets = nodeOf(after_, "keyVaultSecrets").desired as unknown as KeyVaultSecretsDesired;
    const vault = await fixture.clients.secretClientForVault(secrets.vaultId);
    assert.equal((await vault.getSecret("db-db-user")).value, nodeOf(after_, "userAssignedIdentity").name);
    const secret = nodeOf(after_, "kubernetesSecret").desired as unknown as KubernetesSecretDesired;
    assert.equal("db_db_password" in secret.keys, false);
  });
  it("fails switching back to passwords, naming administratorLogin: a server created without one cannot get it", async () => {
    const serverAfter = nodeOf(after_, "postgresFlexibleServer");
    const entraOnly = planOf("pg-switch-back", "entra");
    await applyPlan(fixture, entraOnly);
    const passwordServer = nodeOf(planOf("pg-switch-back"), "postgresFlexibleServer");
    assert.notEqual(passwordServer.id, serverAfter.id);
    const logBefore = fixture.emulator.admin.requestLog().length;
    await assert.rejects(createArmSteps(fixture.clients).ensure(passwordServer), (error: unknown) => {
      assert.ok(isAzureError(error));
      assert.equal(error.code, IMMUTABLE_PROPERTY_CODE);
      assert.match(error.azureMessage, /administratorLogin/);
      return true;
    });
    const writes = fixture.emulator.admin
      .requestLog()
      .slice(logBefore)
      .filter((entry) => entry.method !== "GET");
    assert.deepEqual(writes, []);
  });
});
