/**
 * `auth` on the data modules: `password` (PostgreSQL's default) and `access-key` (Redis') unchanged,
 * `entra` accepted where the environment has its workload identity (a k8s-cluster) and refused with a
 * clear path and message where it has none; the Kubernetes Secret keys each mode writes, and renames of
 * keys a mode does not write refused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PostgresModule, RedisModule, SpecProblem } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument } from "./fixtures";

function validated(modules: unknown[]) {
  const result = validateSpec(specDocument(modules));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.spec;
}

function problems(modules: unknown[]): SpecProblem[] {
  const result = validateSpec(specDocument(modules));
  assert.equal(result.ok, false);
  return result.ok ? [] : [...result.problems];
}

const postgresOf = (modules: unknown[]) =>
  validated(modules).modules.find((m): m is PostgresModule => m.type === "postgres")!;

describe("auth on a postgres module", () => {
  it("defaults to password, pinned into the environment's defaults", () => {
    const spec = validated([{ type: "base" }, { type: "k8s-cluster" }, { type: "postgres", name: "db" }]);
    const module = spec.modules.find((m): m is PostgresModule => m.type === "postgres")!;
    assert.equal(module.auth, "password");
    assert.equal(spec.appliedDefaults.db?.auth, "password");
  });

  it("accepts entra with a cluster", () => {
    const module = postgresOf([
      { type: "base" },
      { type: "k8s-cluster" },
      { type: "postgres", name: "db", auth: "entra" },
    ]);
    assert.equal(module.auth, "entra");
  });

  it("fails entra without a cluster, naming the module's auth and what to do", () => {
    assert.deepEqual(problems([{ type: "base" }, { type: "postgres", name: "db", auth: "entra" }]), [
      {
        path: "modules[1].auth",
        message:
          "entra makes the environment's workload identity a database user, and that identity exists only with a k8s-cluster module; add one, or use auth: password",
      },
    ]);
  });

  it("fails a value other than password or entra", () => {
    assert.deepEqual(problems([{ type: "base" }, { type: "postgres", name: "db", auth: "token" }]), [
      {
        path: "modules[1].auth",
        message:
          "must be password (a generated administrator login and password) or entra (Microsoft Entra ID: the environment's workload identity logs in with a token, no password)",
      },
    ]);
  });

  it("fails a rename of the password of a server with auth: entra, which has none", () => {
    assert.deepEqual(
      problems([
        { type: "base" },
        { type: "k8s-cluster" },
        {
          type: "postgres",
          name: "db",
          auth: "entra",
          kubernetes_secret: { keys: { db_password: "PGPASSWORD" } },
        },
      ]),
      [
        {
          path: "modules[2].kubernetes_secret.keys.db_password",
          message:
            "a postgres module with auth: entra has no db_password (clients log in with Entra ID tokens); remove this rename",
        },
      ],
    );
  });

  it("fails a rename of the port or TLS mode of a server with passwords, which writes neither", () => {
    assert.deepEqual(
      problems([
        { type: "base" },
        { type: "k8s-cluster" },
        { type: "postgres", name: "db", kubernetes_secret: { keys: { db_sslmode: "PGSSLMODE" } } },
      ]),
      [
        {
          path: "modules[2].kubernetes_secret.keys.db_sslmode",
          message: "db_sslmode is written only with auth: entra; remove this rename",
        },
      ],
    );
  });

  it("accepts renames of the port, TLS mode and user with auth: entra", () => {
    const module = postgresOf([
      { type: "base" },
      { type: "k8s-cluster" },
      {
        type: "postgres",
        name: "db",
        auth: "entra",
        kubernetes_secret: { keys: { db_port: "PGPORT", db_sslmode: "PGSSLMODE", db_user: "PGUSER" } },
      },
    ]);
    assert.ok(module.kubernetes_secret);
    assert.deepEqual(module.kubernetes_secret.keys, {
      db_port: "PGPORT",
      db_sslmode: "PGSSLMODE",
      db_user: "PGUSER",
    });
  });
});

describe("auth: entra on a redis module", () => {
  it("accepts entra with a cluster", () => {
    const spec = validated([
      { type: "base" },
      { type: "k8s-cluster" },
      { type: "redis", name: "cache", auth: "entra" },
    ]);
    assert.equal(spec.modules.find((m): m is RedisModule => m.type === "redis")!.auth, "entra");
  });

  it("fails entra without a cluster, naming the module's auth and what to do", () => {
    assert.deepEqual(problems([{ type: "base" }, { type: "redis", name: "cache", auth: "entra" }]), [
      {
        path: "modules[1].auth",
        message:
          "entra makes the environment's workload identity a cache user, and that identity exists only with a k8s-cluster module; add one, or use auth: access-key",
      },
    ]);
  });
});
