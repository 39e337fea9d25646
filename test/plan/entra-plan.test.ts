/**
 * The plan of data modules with `auth: entra`: a PostgreSQL server with Entra authentication on and
 * passwords off (no administrator login, no password to generate, so no wait for the vault), the
 * workload identity made its Entra administrator by the object id its ensure reports; a Managed Redis
 * database given to the same identity by an access-policy assignment; the connection facts without a
 * credential. Modules without `auth` plan exactly as before.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Server } from "@azure/arm-postgresql-flexible";
import { FACT, factOf } from "../../lib/plan/facts";
import { planEnvironment } from "../../lib/plan/plan";
import { adminPasswordSecretFor } from "../../lib/plan/secrets";
import type { Plan, PlanNode } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument, TENANT_ID } from "../spec/fixtures";

const CONTEXT = {
  provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
  provisionerIpRanges: ["203.0.113.0/24"],
};

function planOf(modules: unknown[]): Plan {
  const result = validateSpec(specDocument(modules));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return planEnvironment(result.spec, CONTEXT);
}

function nodeOf(plan: Plan, key: string): PlanNode {
  const found = plan.nodes.find((node) => node.key === key);
  assert.ok(found, `the plan has no node ${key}; it has ${plan.nodes.map((node) => node.key).join(", ")}`);
  return found;
}

const ENTRA = planOf([
  { type: "base" },
  { type: "k8s-cluster" },
  { type: "postgres", name: "db", auth: "entra" },
  { type: "redis", name: "cache", auth: "entra" },
]);
const IDENTITY = nodeOf(ENTRA, "k8s-cluster/workload-identity");
const PRINCIPAL_ID = factOf(IDENTITY.key, FACT.identityPrincipalId);

describe("a postgres module with auth: entra", () => {
  it("creates the server with Entra authentication on in the spec's tenant, passwords off, no administrator login", () => {
    const server = nodeOf(ENTRA, "db/server");
    const body = server.desired as unknown as Server;
    assert.deepEqual(body.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Disabled",
      tenantId: TENANT_ID,
    });
    assert.equal("administratorLogin" in body, false);
    assert.equal(server.immutable.includes("administratorLogin"), false);
  });

  it("does not wait for the vault: no password is written before the server", () => {
    const server = nodeOf(ENTRA, "db/server");
    assert.deepEqual(server.dependsOn, ["base/dns-link-postgres", "base/subnet-postgres"]);
    assert.equal(adminPasswordSecretFor(ENTRA.nodes, server), undefined);
  });

  it("makes the workload identity the server's Entra administrator, after the identity and the server's last write", () => {
    const administrator = nodeOf(ENTRA, "db/entra-administrator");
    const server = nodeOf(ENTRA, "db/server");
    assert.equal(administrator.kind, "postgresEntraAdministrator");
    assert.equal(administrator.id, `${server.id}/administrators/${IDENTITY.name}`);
    assert.deepEqual(administrator.dependsOn, [
      "db/configuration-ssl-min-protocol-version",
      "k8s-cluster/workload-identity",
    ]);
    assert.deepEqual(administrator.desired, {
      objectId: PRINCIPAL_ID,
      principalType: "ServicePrincipal",
      principalName: IDENTITY.name,
      tenantId: TENANT_ID,
    });
  });

  it("writes host, port, user (the identity's name), database and TLS mode once the administrator exists, and no password", () => {
    const secrets = nodeOf(ENTRA, "db/key-vault-secrets");
    assert.deepEqual(secrets.desired.secretNames, {
      db_db_host: "db-db-host",
      db_db_port: "db-db-port",
      db_db_user: "db-db-user",
      db_db_name: "db-db-name",
      db_db_sslmode: "db-db-sslmode",
    });
    assert.equal(secrets.desired.user, IDENTITY.name);
    assert.ok(secrets.dependsOn.includes("db/entra-administrator"));
    assert.deepEqual(Object.keys(nodeOf(ENTRA, "db/kubernetes-secret").desired.keys as object), [
      "db_db_host",
      "db_db_port",
      "db_db_user",
      "db_db_name",
      "db_db_sslmode",
    ]);
  });
});

describe("a redis module with auth: entra", () => {
  it("gives the workload identity the database by an access-policy assignment after the database", () => {
    const assignment = nodeOf(ENTRA, "cache/access-policy-workload");
    const database = nodeOf(ENTRA, "cache/database");
    assert.equal(assignment.kind, "managedRedisAccessPolicyAssignment");
    assert.equal(assignment.id, `${database.id}/accessPolicyAssignments/workload`);
    assert.deepEqual(assignment.dependsOn, ["cache/database", "k8s-cluster/workload-identity"]);
    assert.deepEqual(assignment.desired, {
      properties: { accessPolicyName: "default", user: { objectId: PRINCIPAL_ID } },
    });
    assert.ok(nodeOf(ENTRA, "cache/key-vault-secrets").dependsOn.includes(assignment.key));
  });
});

describe("data modules without auth", () => {
  const modules = (auth: Record<string, string>) => [
    { type: "base" },
    { type: "k8s-cluster" },
    { type: "postgres", name: "db", ...(auth.postgres ? { auth: auth.postgres } : {}) },
    { type: "redis", name: "cache", ...(auth.redis ? { auth: auth.redis } : {}) },
  ];

  it("plan exactly as auth: password and auth: access-key, with no administrator or assignment", () => {
    const defaulted = planOf(modules({}));
    const explicit = planOf(modules({ postgres: "password", redis: "access-key" }));
    // The nodes, not the hash: the hash covers the pinned defaults, which only the first applied.
    assert.deepEqual(defaulted.nodes, explicit.nodes);
    assert.deepEqual(
      defaulted.nodes.filter(
        (node) =>
          node.kind === "postgresEntraAdministrator" || node.kind === "managedRedisAccessPolicyAssignment",
      ),
      [],
    );
    const server = nodeOf(defaulted, "db/server");
    assert.equal(server.desired.administratorLogin, "db_admin");
    assert.deepEqual(server.desired.authConfig, { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" });
    assert.deepEqual(Object.keys(nodeOf(defaulted, "db/key-vault-secrets").desired.secretNames as object), [
      "db_db_host",
      "db_db_user",
      "db_db_password",
      "db_db_name",
    ]);
    assert.equal("user" in nodeOf(defaulted, "db/key-vault-secrets").desired, false);
  });
});
