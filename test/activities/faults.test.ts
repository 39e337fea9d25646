/**
 * Each injected fault class, handled as classified: the activities return retryable errors as
 * `{ outcome: "retry", error }` (for the orchestration's retry profile) and terminal ones as
 * `{ outcome: "failed", error }`, with Azure's code and message; failed operations are reported by `check`. One named test per failure-case failure case the
 * activities own.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createArmSteps, type ArmSteps } from "../../activities/arm-step";
import type { WriteResult } from "../../activities/contract";
import { adminPasswordSecretFor } from "../../lib/plan/secrets";
import { createProvisioningActivities, type ProvisioningActivities } from "../../activities/provisioning";
import { isAzureError, type AzureErrorKind } from "../../lib/azure/errors";
import type { PlanNode } from "../../lib/plan/types";
import { latencyOf } from "../../lib/latency-model";
import {
  expectWrite,
  operationOf,
  startFixture,
  waitForOperation,
  type EmulatorFixture,
} from "./emulator-fixture";
import { samplePlanNodes } from "./sample-nodes";
import { ensureSecretValue } from "../../lib/secrets/vault-secrets";
import { createAzureClients } from "../../lib/azure/clients";
import { EmulatorCredential } from "@azure-env-provisioner/azure-emulator";

const RG = "acme-faults-rg";
const nodes = samplePlanNodes(RG);
const byKey = (key: string): PlanNode => {
  const node = nodes.find((n) => n.key === key);
  assert.ok(node, key);
  return node;
};

describe("injected faults, handled as classified", () => {
  let fixture: EmulatorFixture;
  let steps: ArmSteps;
  let activities: ProvisioningActivities;

  async function apply(node: PlanNode): Promise<WriteResult> {
    const result = await activities.ensureNode({
      node,
      adminPasswordSecret: adminPasswordSecretFor(nodes, node),
    });
    const write = expectWrite(result, node.key);
    const end = await waitForOperation(steps, write);
    if (end) assert.equal(end.outcome, "succeeded", `${node.key}: ${JSON.stringify(end)}`);
    return write;
  }

  /**
   * Expects `ensureNode` to return a retryable error of `kind` as a plain value: what crosses Durable
   * history is JSON, so it must survive a JSON round trip unchanged.
   */
  async function expectRetryable(node: PlanNode, kind: AzureErrorKind): Promise<void> {
    const result = await activities.ensureNode({ node });
    assert.equal(result.outcome, "retry", JSON.stringify(result));
    assert.ok("error" in result);
    assert.equal(result.error.kind, kind);
    assert.equal(result.error.retryable, true);
    assert.ok((result.error.retryAfterMs ?? 0) > 0);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  }

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002 });
    steps = createArmSteps(fixture.clients);
    activities = createProvisioningActivities(fixture.clients);
    for (const key of ["base/rg", "base/vnet", "base/nsg", "base/nat-ip", "base/nat", "base/subnet-nodes"]) {
      await apply(byKey(key));
    }
  });
  beforeEach(() => fixture.emulator.admin.clearFaults());
  after(async () => fixture?.stop());

  it("asks to be checked no sooner than the type's interval, even when Retry-After is shorter (docs/azure-facts.md#polling-costs)", async () => {
    // Without the fixture's poll-interval override, as the service runs.
    const { pollIntervalMs: _override, ...config } = fixture.clients.config;
    const profiled = createArmSteps(
      createAzureClients(config, { retry: { maxRetries: 0 }, credential: fixture.clients.credential }),
    );
    const template = byKey("base/nsg");
    const node: PlanNode = {
      ...template,
      key: "base/polled-nsg",
      id: template.id.replace(/staging-nodes-nsg$/, "polled-nsg"),
    };
    // At this scale the emulator answers Retry-After: 1 (the NSG's 5 s interval × 0.2), shorter than the
    // 5 s the profile asks for; the NSG itself takes 3 s.
    const scale = fixture.emulator.admin.timeScale();
    fixture.emulator.admin.setTimeScale(0.2);
    try {
      const result = await profiled.ensure(node);
      assert.equal(result.outcome, "pending", JSON.stringify(result));
      assert.equal(
        result.nextCheckAfterMs,
        latencyOf("Microsoft.Network/networkSecurityGroups").pollIntervalSec * 1000,
      );
      await waitForOperation(steps, result);
    } finally {
      fixture.emulator.admin.setTimeScale(scale);
    }
  });

  it("returns 429 as throttled with Retry-After to retry, and succeeds when retried (docs/azure-facts.md#failure-case-5)", async () => {
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Network/privateDnsZones" },
        times: 1,
        effect: { kind: "http", status: 429, code: "TooManyRequests", retryAfterSec: 7 },
      },
    ]);
    const node = byKey("base/dns-postgres");
    const throttled = await activities.ensureNode({ node });
    assert.equal(throttled.outcome, "retry");
    assert.ok("error" in throttled);
    assert.equal(throttled.error.kind, "throttled");
    // The emulator scales the injected 7 s like every Azure duration and sends the exact wait in
    // retry-after-ms, which the classification prefers to whole seconds.
    assert.equal(throttled.error.retryAfterMs, Math.ceil(7_000 * fixture.emulator.admin.timeScale()));
    await apply(node);
  });

  it("returns a 5xx as transient, to retry", async () => {
    fixture.emulator.admin.addFaults([
      {
        match: { method: "GET", resourceType: "Microsoft.Network/privateDnsZones" },
        times: 1,
        effect: { kind: "http", status: 503 },
      },
    ]);
    await expectRetryable(byKey("base/dns-vault"), "transient");
    await apply(byKey("base/dns-vault"));
  });

  it("returns AKS 409 OperationNotAllowed right after create as busy, then updates once it clears (docs/azure-facts.md#failure-case-3)", async () => {
    // A long busy window (10 000 s × 0.0002 = 2 s), ended on purpose below: no race with a slow machine.
    fixture.emulator.admin.addFaults([{ effect: { kind: "aks-busy-after-create", durationSec: 10_000 } }]);
    const cluster = byKey("k8s/cluster");
    await apply(cluster);
    const changed = { ...cluster, desired: { ...cluster.desired, tags: { owner: "platform" } } };
    await expectRetryable(changed, "busy");
    fixture.emulator.admin.clearFaults();
    const result = await activities.ensureNode({ node: changed });
    assert.equal(result.outcome, "pending", JSON.stringify(result));
    assert.equal((await waitForOperation(steps, result))?.outcome, "succeeded");
  });

  it("fetches a token per call, so a wait longer than a token's life does not fail the check (docs/azure-facts.md#failure-case-2)", async () => {
    // Tokens of this credential expire after 1 s; the emulator refuses expired tokens, as ARM does.
    const shortLived = createAzureClients(fixture.clients.config, {
      retry: { maxRetries: 0 },
      credential: new EmulatorCredential({ lifetimeSec: 1 }),
    });
    const shortSteps = createArmSteps(shortLived);
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Network/networkSecurityGroups" },
        times: 1,
        effect: { kind: "operation-never-finishes" },
      },
    ]);
    const node = {
      ...byKey("base/nsg"),
      key: "base/slow-nsg",
      id: byKey("base/nsg").id.replace(/staging-nodes-nsg$/, "slow-nsg"),
    };
    const started = await shortSteps.ensure(node);
    assert.equal(started.outcome, "pending");
    // Longer than any token of that credential lives (1 s, up to 2 s with the expiry rounded up).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    assert.equal((await shortSteps.check(operationOf(started))).outcome, "running");
  });

  it("falls back to the resource's state when the operation-status URL is gone", async () => {
    const node = {
      ...byKey("base/nsg"),
      key: "base/other-nsg",
      id: byKey("base/nsg").id.replace(/staging-nodes-nsg$/, "other-nsg"),
    };
    const started = await steps.ensure(node);
    assert.ok(operationOf(started).statusUrl);
    fixture.emulator.admin.addFaults([
      {
        match: { method: "GET", path: "/operationStatuses/" },
        effect: { kind: "http", status: 404, code: "NotFound" },
      },
    ]);
    const end = await waitForOperation(steps, started);
    assert.equal(end?.outcome, "succeeded");
  });

  it("returns a quota error as a terminal failure with Azure's code and message", async () => {
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Cache/redis" },
        times: 1,
        effect: {
          kind: "http",
          status: 409,
          code: "QuotaExceeded",
          message: "Redis quota of 0 caches exceeded",
        },
      },
    ]);
    const result = await activities.ensureNode({ node: byKey("cache/redis") });
    assert.equal(result.outcome, "failed");
    assert.ok("error" in result);
    assert.equal(result.error.kind, "quota");
    assert.equal(result.error.code, "QuotaExceeded");
    assert.equal(result.error.message, "Redis quota of 0 caches exceeded");
    assert.equal(result.error.retryable, false);
  });

  it("reports an operation that ends Failed through check, with Azure's code (docs/azure-facts.md#failure-case-1)", async () => {
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Network/privateDnsZones/virtualNetworkLinks" },
        times: 1,
        effect: {
          kind: "operation-failed",
          code: "InternalServerError",
          message: "link failed after an hour",
        },
      },
    ]);
    const node = byKey("base/dns-postgres-link");
    const started = await steps.ensure(node);
    assert.ok(operationOf(started).statusUrl, "watched through Azure-AsyncOperation");
    const end = await waitForOperation(steps, started);
    assert.equal(end?.outcome, "operationFailed");
    assert.ok(end && "error" in end);
    assert.equal(end.error.code, "InternalServerError");
    assert.equal(end.error.message, "link failed after an hour");
    // Azure's fault, not the request's: the orchestration may ensure again.
    assert.equal(end.error.retryable, true);
    // Ensuring again writes the failed resource again, as ARM expects for a retry.
    const again = await steps.ensure(node);
    assert.equal(again.action, "update");
    assert.equal((await waitForOperation(steps, again))?.outcome, "succeeded");
  });

  it("reports a Redis cache whose provisioning ended Failed, and writes it again on the next ensure", async () => {
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Cache/redis" },
        times: 1,
        effect: { kind: "operation-failed", code: "InternalServerError" },
      },
    ]);
    const started = await steps.ensure(byKey("cache/redis"));
    // Redis answers the PUT with the resource; only its provisioningState tells how it ends.
    assert.equal(operationOf(started).statusUrl, undefined);
    const end = await waitForOperation(steps, started);
    assert.equal(end?.outcome, "operationFailed");
    // The resource's state is all Azure says here: the user is told so, and where the reason is.
    assert.ok(end && "error" in end);
    assert.equal(end.error.code, "ProvisioningStateFailed");
    assert.match(end.error.message, /Microsoft\.Cache\/redis cache\/redis Failed .*activity log/);
    const again = await steps.ensure(byKey("cache/redis"));
    assert.equal(again.action, "update");
    assert.equal((await waitForOperation(steps, again))?.outcome, "succeeded");
  });

  it("watches an operation already running instead of writing again, as after a crash (docs/azure-facts.md#failure-case-4, #failure-case-12)", async () => {
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Network/publicIPAddresses" },
        times: 1,
        effect: { kind: "operation-never-finishes" },
      },
    ]);
    const orphan: PlanNode = {
      ...byKey("base/nat-ip"),
      key: "base/orphan-ip",
      name: "orphan-ip",
      id: byKey("base/nat-ip").id.replace(/staging-nat-ip$/, "orphan-ip"),
    };
    const first = await steps.ensure(orphan);
    assert.equal(first.action, "create");
    const logBefore = fixture.emulator.admin.requestLog().length;
    const second = await steps.ensure(orphan);
    assert.equal(second.action, "watch");
    assert.equal(second.outcome, "pending");
    const writes = fixture.emulator.admin
      .requestLog()
      .slice(logBefore)
      .filter((e) => e.method !== "GET");
    assert.deepEqual(writes, []);
    assert.equal((await steps.check(operationOf(second))).outcome, "running");
  });

  it("returns AKS SubnetNotAssociatedWithNATGateway as an invalid request (docs/azure-facts.md#failure-case-10)", async () => {
    const cluster = byKey("k8s/cluster");
    const desired = structuredClone(cluster.desired) as Record<string, unknown>;
    const pools = desired.agentPoolProfiles as Record<string, unknown>[];
    (pools[0] as Record<string, unknown>).vnetSubnetID = byKey("base/subnet-endpoints").id;
    await apply(byKey("base/subnet-endpoints"));
    const result = await activities.ensureNode({
      node: {
        ...cluster,
        key: "k8s/other",
        id: cluster.id.replace(/staging-aks$/, "other-aks"),
        desired: desired as never,
      },
    });
    assert.equal(result.outcome, "failed");
    assert.ok("error" in result);
    assert.equal(result.error.code, "SubnetNotAssociatedWithNATGateway");
    assert.equal(result.error.kind, "invalidRequest");
  });

  it("returns a VNet link to an overlapping DNS namespace as an invalid request (docs/azure-facts.md#failure-case-9)", async () => {
    await apply(byKey("base/dns-postgres"));
    await apply(byKey("base/dns-postgres-link"));
    const zone = byKey("base/dns-postgres");
    const overlappingZoneId = zone.id.replace(/staging\.private\.postgres/, "private.postgres");
    await apply({ ...zone, key: "base/dns-overlap", id: overlappingZoneId });
    const link = byKey("base/dns-postgres-link");
    const result = await activities.ensureNode({
      node: {
        ...link,
        key: "base/dns-overlap-link",
        id: `${overlappingZoneId}/virtualNetworkLinks/staging-vnet`,
      },
    });
    assert.equal(result.outcome, "failed", JSON.stringify(result));
    assert.ok("error" in result);
    assert.equal(result.error.kind, "invalidRequest");
    assert.equal(result.error.code, "VirtualNetworkLinkNamespaceOverlap");
    assert.match(result.error.message, /overlap/);
  });

  it("returns a globally taken Key Vault name as nameUnavailable", async () => {
    await apply(byKey("base/vault"));
    const vault = byKey("base/vault");
    const elsewhere = {
      ...vault,
      id: vault.id.replace(`/resourceGroups/${RG}/`, "/resourceGroups/someone-else-rg/"),
    };
    await apply({ ...byKey("base/rg"), id: byKey("base/rg").id.replace(RG, "someone-else-rg") });
    const result = await activities.ensureNode({ node: elsewhere });
    assert.equal(result.outcome, "failed");
    assert.ok("error" in result);
    assert.equal(result.error.kind, "nameUnavailable");
  });

  it("retries Key Vault 403 ForbiddenByFirewall after create until the data plane opens (docs/azure-facts.md#failure-case-7)", async () => {
    // Recreate the vault under the lag: 600 s × 0.0002 = 120 ms of refusals, inside the 2 s budget.
    fixture.emulator.admin.addFaults([{ effect: { kind: "keyvault-firewall-lag", durationSec: 600 } }]);
    const vault = byKey("base/vault");
    const lagged = { ...vault, id: vault.id.replace(/kv-staging-\w+$/, "kv-lagged-1"), name: "kv-lagged-1" };
    await apply(lagged);
    await apply({
      ...byKey("base/vault-role"),
      id: byKey("base/vault-role").id.replace(/kv-staging-\w+/, "kv-lagged-1"),
    });
    const secrets = await fixture.clients.secretClientForVault(lagged.id);
    const started = Date.now();
    const reference = await ensureSecretValue(secrets, "probe", "value", { budgetMs: 2_000 });
    assert.equal(reference.written, true);
    assert.ok(Date.now() - started < 2_000);
  });

  it("gives up on a firewall that stays shut past the budget with a still-retryable error", async () => {
    fixture.emulator.admin.addFaults([{ effect: { kind: "keyvault-firewall-lag", durationSec: 100_000 } }]);
    const vault = byKey("base/vault");
    const shut = { ...vault, id: vault.id.replace(/kv-staging-\w+$/, "kv-shut-1"), name: "kv-shut-1" };
    await apply(shut);
    const secrets = await fixture.clients.secretClientForVault(shut.id);
    await assert.rejects(
      ensureSecretValue(secrets, "probe", "value", { budgetMs: 200 }),
      (error: unknown) => {
        assert.ok(isAzureError(error));
        assert.equal(error.kind, "authorization");
        assert.equal(error.code, "ForbiddenByFirewall");
        assert.equal(error.retryable, true);
        return true;
      },
    );
  });
});
